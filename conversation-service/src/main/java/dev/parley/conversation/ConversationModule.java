package dev.parley.conversation;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.conversation.api.ConversationEventsGrpcService;
import dev.parley.conversation.api.ConversationGrpcService;
import dev.parley.conversation.api.KnowledgeGrpcService;
import dev.parley.conversation.compat.alli.AlliConversationsGrpcService;
import dev.parley.conversation.compat.bedrock.BedrockConversationsGrpcService;
import dev.parley.conversation.compat.gitbook.GitBookConversationsGrpcService;
import dev.parley.conversation.compat.inkeep.InkeepConversationsGrpcService;
import dev.parley.conversation.compat.inkeep.InkeepEventsGrpcService;
import dev.parley.conversation.compat.inkeep.InkeepFeedbackGrpcService;
import dev.parley.conversation.compat.posthog.PostHogConversationsGrpcService;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.FeedbackLog;
import dev.parley.conversation.domain.Knowledge;
import dev.parley.conversation.domain.KnowledgeEmbedding;
import dev.parley.conversation.domain.KnowledgeSearch;
import dev.parley.conversation.domain.TextEmbedder;
import dev.parley.conversation.domain.TicketLink;
import dev.parley.conversation.embedding.MiniLmEmbedder;
import dev.parley.conversation.peer.TicketPeer;
import dev.parley.conversation.store.StoreModule;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.events.OutboxStream;
import dev.parley.platform.runtime.Background;
import io.grpc.BindableService;
import java.time.Clock;

/** Wiring of conversation-service. */
public final class ConversationModule extends AbstractModule {
  /** The outbox of conversation.event_outbox (see its migration). */
  @Provides
  @Singleton
  OutboxStream outbox(HikariDataSource dataSource, DatabaseConfig database) {
    return new OutboxStream(dataSource, database, "conversation");
  }

  @Override
  protected void configure() {
    install(new StoreModule());
    bind(Clock.class).toInstance(Clock.systemUTC());
    bind(TicketLink.class).to(TicketPeer.class).in(Scopes.SINGLETON);
    bind(TicketPeer.class);
    bind(Conversations.class).in(Scopes.SINGLETON);
    bind(FeedbackLog.class).in(Scopes.SINGLETON);
    bind(Knowledge.class).in(Scopes.SINGLETON);
    bind(KnowledgeSearch.class).in(Scopes.SINGLETON);
    bind(TextEmbedder.class).to(MiniLmEmbedder.class).in(Scopes.SINGLETON);
    bind(MiniLmEmbedder.class);
    bind(KnowledgeEmbedding.class).in(Scopes.SINGLETON);
    Multibinder<BindableService> services =
        Multibinder.newSetBinder(binder(), BindableService.class);
    services.addBinding().to(ConversationGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(ConversationEventsGrpcService.class).in(Scopes.SINGLETON);
    Multibinder<Background> background = Multibinder.newSetBinder(binder(), Background.class);
    background.addBinding().to(OutboxStream.class);
    background.addBinding().to(KnowledgeEmbedding.class);
    services.addBinding().to(InkeepConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(InkeepFeedbackGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(InkeepEventsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(GitBookConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(BedrockConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(AlliConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(PostHogConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(KnowledgeGrpcService.class).in(Scopes.SINGLETON);
  }
}
