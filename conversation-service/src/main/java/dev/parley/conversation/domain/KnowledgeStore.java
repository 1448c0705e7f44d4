package dev.parley.conversation.domain;

import dev.parley.conversation.domain.ConversationStore.Cursor;
import java.util.List;
import java.util.Optional;

/** Storage of knowledge documents; every method is scoped to one tenant. */
public interface KnowledgeStore {
  /**
   * Stores the document, its passages (in order) and the file it was made from (null for text), in
   * one transaction.
   */
  Document create(Document document, List<String> passages, byte[] original);

  /** The file the document was made from, if it was made from one. */
  Optional<byte[]> original(String tenantId, String id);

  /** A passage found for a query, with its document's title and link. */
  record Passage(String documentId, String title, String sourceLink, int ordinal, String text) {}

  /** Up to {@code limit} passages matching the words of the query, best full-text rank first. */
  List<Passage> searchText(String tenantId, String query, int limit);

  /** A passage's key and embedding, for ranking by meaning. */
  record EmbeddedPassage(String documentId, int ordinal, float[] embedding) {}

  /**
   * A number that changes, in the same transaction, with every change of the tenant's documents and
   * embeddings (0 before the first).
   */
  long version(String tenantId);

  /** Every embedded passage of the tenant (a tenant's knowledge is ranked in memory). */
  List<EmbeddedPassage> embeddedPassages(String tenantId);

  /** The passages with these keys (document id and ordinal), in no particular order. */
  List<Passage> passages(String tenantId, List<EmbeddedPassage> keys);

  /** A passage still to embed, of any tenant. */
  record PendingPassage(String tenantId, String documentId, int ordinal, String text) {}

  /** Up to {@code limit} passages of any tenant that have no embedding yet. */
  List<PendingPassage> passagesToEmbed(int limit);

  /** Stores the passages' embeddings (a passage deleted meanwhile is skipped). */
  void saveEmbeddings(List<PendingPassage> passages, List<float[]> embeddings);

  Optional<Document> find(String tenantId, String id);

  /** Up to {@code limit} documents after the cursor (null: from the newest), without content. */
  List<Document> list(String tenantId, Cursor after, int limit);

  boolean delete(String tenantId, String id);
}
