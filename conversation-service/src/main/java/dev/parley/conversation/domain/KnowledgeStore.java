package dev.parley.conversation.domain;

import dev.parley.conversation.domain.ConversationStore.Cursor;
import java.util.List;
import java.util.Optional;

/** Storage of knowledge documents; every method is scoped to one tenant. */
public interface KnowledgeStore {
  Document create(Document document);

  Optional<Document> find(String tenantId, String id);

  /** Up to {@code limit} documents after the cursor (null: from the newest), without content. */
  List<Document> list(String tenantId, Cursor after, int limit);

  boolean delete(String tenantId, String id);
}
