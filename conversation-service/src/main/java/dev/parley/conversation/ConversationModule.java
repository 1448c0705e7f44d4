package dev.parley.conversation;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.conversation.api.AssistantGrpcService;
import dev.parley.conversation.api.ConversationEventsGrpcService;
import dev.parley.conversation.api.ConversationGrpcService;
import dev.parley.conversation.api.KnowledgeGrpcService;
import dev.parley.conversation.assistant.LocalAnswerProvider;
import dev.parley.conversation.assistant.OpenAiAnswerProvider;
import dev.parley.conversation.compat.alli.AlliConversationsGrpcService;
import dev.parley.conversation.compat.bedrock.BedrockConversationsGrpcService;
import dev.parley.conversation.compat.gitbook.GitBookConversationsGrpcService;
import dev.parley.conversation.compat.inkeep.InkeepConversationsGrpcService;
import dev.parley.conversation.compat.inkeep.InkeepEventsGrpcService;
import dev.parley.conversation.compat.inkeep.InkeepFeedbackGrpcService;
import dev.parley.conversation.compat.posthog.PostHogConversationStreamGrpcService;
import dev.parley.conversation.compat.posthog.PostHogConversationsGrpcService;
import dev.parley.conversation.domain.AnswerProvider;
import dev.parley.conversation.domain.Assistant;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.FeedbackLog;
import dev.parley.conversation.domain.Knowledge;
import dev.parley.conversation.domain.KnowledgeEmbedding;
import dev.parley.conversation.domain.KnowledgeSearch;
import dev.parley.conversation.domain.ModelRoutes;
import dev.parley.conversation.domain.PdfText;
import dev.parley.conversation.domain.RunStore;
import dev.parley.conversation.domain.TicketLink;
import dev.parley.conversation.extraction.PdfBoxText;
import dev.parley.conversation.peer.TicketPeer;
import dev.parley.conversation.store.StoreModule;
import dev.parley.platform.config.ConfigurationException;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.embedding.SentenceEmbedder;
import dev.parley.platform.embedding.TextEmbedder;
import dev.parley.platform.events.OutboxStream;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.identity.SignedLinks;
import dev.parley.platform.runtime.Background;
import io.grpc.BindableService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Wiring of conversation-service. */
public final class ConversationModule extends AbstractModule {
  /** The outbox of conversation.event_outbox (see its migration). */
  @Provides
  @Singleton
  OutboxStream outbox(HikariDataSource dataSource, DatabaseConfig database) {
    return new OutboxStream(dataSource, database, "conversation");
  }

  /**
   * Signed links (document previews), keyed by the secret every replica shares. A service run on
   * its own without one signs with a secret of its own: its links work on it alone.
   */
  @Provides
  @Singleton
  SignedLinks signedLinks(ServerConfig server, Clock clock) {
    String secret = server.internalToken();
    return new SignedLinks(secret.isEmpty() ? ServerConfig.newInternalToken() : secret, clock);
  }

  /** The assistant with the configured providers and model routes. */
  @Provides
  @Singleton
  Assistant assistant(
      Environment environment,
      Conversations conversations,
      RunStore runs,
      KnowledgeSearch search,
      Clock clock) {
    String openAiModel = environment.get(Setting.OPENAI_MODEL);
    ModelRoutes routes;
    try {
      routes =
          ModelRoutes.parse(
              environment.find(Setting.ASSISTANT_MODELS).orElse(""),
              environment.get(Setting.ASSISTANT_PROVIDER),
              Map.of(
                  LocalAnswerProvider.NAME,
                  LocalAnswerProvider.MODEL,
                  OpenAiAnswerProvider.NAME,
                  openAiModel));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          Setting.ASSISTANT_MODELS.variable()
              + " / "
              + Setting.ASSISTANT_PROVIDER.variable()
              + ": "
              + e.getMessage());
    }
    List<AnswerProvider> providers =
        List.of(
            new LocalAnswerProvider(),
            new OpenAiAnswerProvider(
                environment.get(Setting.OPENAI_BASE_URL),
                environment.find(Setting.OPENAI_API_KEY).orElse(""),
                Duration.ofSeconds(environment.getInt(Setting.OPENAI_TIMEOUT_SECONDS, 1, 3600))));
    return new Assistant(
        conversations,
        runs,
        search,
        providers,
        new Assistant.Settings(
            routes,
            environment.getInt(Setting.ASSISTANT_MAX_TOKENS, 1, 100_000),
            environment.getInt(Setting.ASSISTANT_MAX_RUNS, 1, 1000)),
        clock);
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
    bind(PdfText.class).to(PdfBoxText.class).in(Scopes.SINGLETON);
    bind(PdfBoxText.class);
    bind(KnowledgeSearch.class).in(Scopes.SINGLETON);
    bind(TextEmbedder.class).to(SentenceEmbedder.class).in(Scopes.SINGLETON);
    bind(SentenceEmbedder.class);
    bind(KnowledgeEmbedding.class).in(Scopes.SINGLETON);
    Multibinder<BindableService> services =
        Multibinder.newSetBinder(binder(), BindableService.class);
    services.addBinding().to(ConversationGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(ConversationEventsGrpcService.class).in(Scopes.SINGLETON);
    Multibinder<Background> background = Multibinder.newSetBinder(binder(), Background.class);
    background.addBinding().to(OutboxStream.class);
    background.addBinding().to(KnowledgeEmbedding.class);
    background.addBinding().to(Assistant.class);
    services.addBinding().to(InkeepConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(InkeepFeedbackGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(InkeepEventsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(GitBookConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(BedrockConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(AlliConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(PostHogConversationsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(PostHogConversationStreamGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(KnowledgeGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(AssistantGrpcService.class).in(Scopes.SINGLETON);
  }
}
