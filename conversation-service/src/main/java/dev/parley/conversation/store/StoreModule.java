package dev.parley.conversation.store;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.parley.conversation.domain.ConversationStore;
import dev.parley.conversation.domain.FeedbackStore;
import dev.parley.conversation.domain.KnowledgeStore;
import dev.parley.conversation.domain.RunStore;

/** Binds the PostgreSQL implementations of the domain's stores. */
public final class StoreModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(ConversationStore.class).to(JooqConversationStore.class).in(Scopes.SINGLETON);
    bind(JooqConversationStore.class);
    bind(FeedbackStore.class).to(JooqFeedbackStore.class).in(Scopes.SINGLETON);
    bind(JooqFeedbackStore.class);
    bind(KnowledgeStore.class).to(JooqKnowledgeStore.class).in(Scopes.SINGLETON);
    bind(JooqKnowledgeStore.class);
    bind(RunStore.class).to(JooqRunStore.class).in(Scopes.SINGLETON);
    bind(JooqRunStore.class);
  }
}
