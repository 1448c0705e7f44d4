package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.conversation.domain.AnswerProvider.Answer;
import dev.parley.conversation.domain.AnswerProvider.AnswerStream;
import dev.parley.conversation.domain.AnswerProvider.Prompt;
import dev.parley.conversation.domain.AnswerProvider.Role;
import dev.parley.conversation.domain.AnswerProvider.Turn;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ModelRoutes.Route;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.runtime.Background;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assistant: runs that answer a conversation's user message. A run is stored before it starts,
 * its events are stored as they happen, and its end is stored with the analytics event, so any
 * replica can report on it. The replica that takes a run executes it on a virtual thread (at most
 * {@code maxRuns} at once; the others wait as queued) and beats its heartbeat every {@link
 * #HEARTBEAT}; a run whose heartbeat stopped for {@link #STALE_AFTER} (its process died) is failed
 * by whichever replica sweeps next, and every replica sweeps when it starts. A cancel request is
 * stored on the run, so the replica executing it learns of it at its next heartbeat wherever the
 * request came in.
 */
public final class Assistant implements Background {
  static final Duration HEARTBEAT = Duration.ofSeconds(2);
  static final Duration STALE_AFTER = Duration.ofSeconds(15);

  /** How many passages a run retrieves. */
  static final int SOURCES = 5;

  /** How many turns before the question a provider sees. */
  static final int HISTORY_TURNS = 20;

  /** The roles of a conversation's customer (the rest are its team or assistant). */
  private static final Set<String> CUSTOMER_ROLES = Set.of("user", "customer", "end-user");

  /** Titles are short: Bedrock Chat asks for 15 to 20 characters. */
  public static final int TITLE_LENGTH = 20;

  /**
   * Meaning this near (cosine of the in-process sentence embeddings) makes a passage relevant
   * without a word in common: bge-small-en-v1.5 puts 7% of Banking77's question pairs of different
   * topics at or above it, as 0.45 did with all-MiniLM-L6-v2, and 89% of same-topic pairs (80%
   * before). docs/clusters.md has the measurement.
   */
  static final double RELEVANT_SIMILARITY = 0.73;

  /** Answer text is stored in pieces of at least this age or size, not token by token. */
  private static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final int FLUSH_CHARS = 400;
  private static final int MAX_ERROR = 1000;
  private static final int DRAIN_BATCH = 50;
  private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,2})]");
  private static final Logger LOG = LoggerFactory.getLogger(Assistant.class);

  private final Conversations conversations;
  private final RunStore store;
  private final KnowledgeSearch search;
  private final Map<String, AnswerProvider> providers;
  private final ModelRoutes routes;
  private final int maxTokens;
  private final Semaphore slots;
  private final Clock clock;
  private final String replica = "replica_" + UUID.randomUUID().toString().replace("-", "");
  private final Map<String, Execution> executions = new ConcurrentHashMap<>();

  /** This replica's followers by conversation, woken when a run here stores an event. */
  private final Map<String, Set<Semaphore>> followers = new ConcurrentHashMap<>();

  private final ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor();
  private ScheduledExecutorService supervisor;
  private long ticks;

  /** How the assistant is configured: its routes, its token limit, its concurrency. */
  public record Settings(ModelRoutes routes, int maxTokens, int maxRuns) {
    public Settings {
      requireNonNull(routes, "routes is null");
    }
  }

  public Assistant(
      Conversations conversations,
      RunStore store,
      KnowledgeSearch search,
      List<AnswerProvider> providers,
      Settings settings,
      Clock clock) {
    this.conversations = requireNonNull(conversations, "conversations is null");
    this.store = requireNonNull(store, "store is null");
    this.search = requireNonNull(search, "search is null");
    this.providers =
        ImmutableMap.copyOf(
            providers.stream().collect(Collectors.toMap(AnswerProvider::name, p -> p)));
    this.routes = settings.routes();
    this.maxTokens = settings.maxTokens();
    this.slots = new Semaphore(settings.maxRuns(), true);
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * What to run: the user message to answer (the latest when null), the model name, continue. A new
   * turn instead brings its user message ({@code question}, with its id), appended once the run
   * holds the conversation, so a turn refused because another run answers is not written at all;
   * {@code answerId} is the id of the answer's message (a new one when null); {@code
   * titleAfterFirstTurn} titles an untitled conversation after the answer; {@code queuedMessageId}
   * is the queued message the turn takes off the queue.
   */
  public record RunRequest(
      String messageId,
      String model,
      boolean continueMessage,
      MessageDraft question,
      String answerId,
      boolean titleAfterFirstTurn,
      String queuedMessageId) {
    public RunRequest(String messageId, String model, boolean continueMessage) {
      this(messageId, model, continueMessage, null, null, false, null);
    }

    /** A new turn: the user message to append and answer, titled after the first answer. */
    public static RunRequest newTurn(MessageDraft question, String model, String answerId) {
      requireNonNull(question.id(), "the question's id is null");
      return new RunRequest(null, model, false, question, answerId, true, null);
    }
  }

  /** Whether a run answers a conversation, and whether it was asked to stop. */
  public enum Activity {
    IDLE,
    RUNNING,
    CANCELING
  }

  /** How many messages may wait on a conversation at once. */
  public static final int MAX_QUEUED = 2;

  /** How long a queued message waits at most. */
  public static final Duration QUEUE_TTL = Duration.ofHours(1);

  /** The longest queued message. */
  public static final int MAX_QUEUED_CONTENT = 40_000;

  /** How often a follower that is not woken by this replica's run reads the stored events. */
  private static final Duration FOLLOW_POLL = Duration.ofMillis(100);

  /** How long a follower waits, after a run, for the run of a queued message to start. */
  private static final Duration NEXT_TURN_WAIT = Duration.ofSeconds(3);

  /** Receives a run's events in order, on the run's thread, as each is stored. */
  public interface RunListener {
    void on(RunEvent.Stored event);
  }

  /** A run this replica executes; {@link #done} completes with the run as it ended. */
  public static final class Execution {
    private final String tenantId;
    private final RunListener listener;
    private final CompletableFuture<Run> done = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    private Run run;
    private int sequence;

    private Execution(String tenantId, Run run, RunListener listener) {
      this.tenantId = tenantId;
      this.run = run;
      this.listener = listener;
    }

    public Run run() {
      return run;
    }

    public CompletableFuture<Run> done() {
      return done;
    }
  }

  /**
   * Starts a run on the conversation: checks it, stores it (ABORTED while another run answers the
   * conversation) and executes it in the background; its events go to the listener.
   */
  public Execution start(
      String tenantId, String conversationId, RunRequest request, RunListener listener) {
    Conversation conversation = conversations.get(tenantId, conversationId);
    Route route = routes.route("model", request.model());
    Message question;
    Message continued = null;
    if (request.question() != null) {
      question = null; // appended below, once the run holds the conversation
    } else if (request.continueMessage()) {
      continued = conversation.messages().isEmpty() ? null : conversation.messages().getLast();
      if (continued == null || continued.role().equals("user")) {
        throw new ParleyException(
            ErrorCode.FAILED_PRECONDITION,
            "Conversation " + conversationId + " has no assistant message to continue");
      }
      question = userMessageBefore(conversation, continued);
    } else if (request.messageId() != null && !request.messageId().isEmpty()) {
      question =
          conversation.messages().stream()
              .filter(message -> message.id().equals(request.messageId()))
              .findFirst()
              .orElseThrow(
                  () -> ParleyException.notFound("Message " + request.messageId() + " not found"));
      if (!question.role().equals("user")) {
        throw ParleyException.invalidArgument(
            "message_id", "message " + question.id() + " is not a user message");
      }
    } else {
      question =
          conversation.messages().reversed().stream()
              .filter(message -> message.role().equals("user"))
              .findFirst()
              .orElse(null);
    }
    if (question == null && request.question() == null) {
      throw new ParleyException(
          ErrorCode.FAILED_PRECONDITION,
          "Conversation " + conversationId + " has no user message to answer");
    }
    String questionId = question != null ? question.id() : request.question().id();
    Run run =
        new Run(
            tenantId,
            "run_" + UUID.randomUUID().toString().replace("-", ""),
            conversationId,
            Run.Status.QUEUED,
            route.provider(),
            route.model(),
            request.model() == null || request.model().isEmpty() ? route.model() : request.model(),
            questionId,
            continued == null ? null : continued.id(),
            null,
            null,
            null,
            null,
            now(),
            null,
            null);
    if (!store.insert(run, replica, request.queuedMessageId())) {
      String active = store.active(tenantId, conversationId).map(Run::id).orElse("another run");
      throw new ParleyException(
          ErrorCode.ABORTED,
          "Conversation " + conversationId + " is being answered (" + active + ")");
    }
    Execution execution = new Execution(tenantId, run, listener);
    Conversation answering = conversation;
    if (request.question() != null) {
      try {
        question = conversations.append(tenantId, conversationId, request.question());
        answering = conversations.get(tenantId, conversationId);
      } catch (RuntimeException e) {
        // The turn could not be written: its run ends before it started.
        finish(execution, null, "The question could not be stored: " + e.getMessage());
        throw e;
      }
    }
    executions.put(run.id(), execution);
    Message answered = question;
    Message extended = continued;
    Conversation context = answering;
    runs.execute(() -> execute(execution, context, answered, extended, request));
    return execution;
  }

  /** INVALID_ARGUMENT on {@code field} unless the model name is one clients may ask for. */
  public void checkModel(String field, String model) {
    routes.route(field, model);
  }

  /** Starts a run and waits for its end: the run as it ended. */
  public Run answer(String tenantId, String conversationId, RunRequest request) {
    Execution execution = start(tenantId, conversationId, request, event -> {});
    try {
      return execution.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ParleyException(ErrorCode.UNAVAILABLE, "Interrupted while the run went on");
    } catch (ExecutionException e) {
      throw new IllegalStateException("A run ended without its state", e.getCause());
    }
  }

  public Run get(String tenantId, String conversationId, String runId) {
    return store
        .find(tenantId, conversationId, runId)
        .orElseThrow(() -> ParleyException.notFound("Run " + runId + " not found"));
  }

  public List<RunEvent.Stored> events(
      String tenantId, String conversationId, String runId, int afterSequence) {
    get(tenantId, conversationId, runId);
    return store.events(tenantId, runId, Math.max(0, afterSequence));
  }

  /** Asks the run to stop; the run as stored (a finished one as it is). */
  public Run cancel(String tenantId, String conversationId, String runId) {
    Run run = get(tenantId, conversationId, runId);
    if (run.status().active() && store.requestCancel(tenantId, conversationId, runId)) {
      Execution local = executions.get(runId);
      if (local != null) {
        local.cancelRequested = true;
      }
    }
    return get(tenantId, conversationId, runId);
  }

  /** Whether a run answers each of these conversations (all IDLE that no run answers). */
  public Map<String, Activity> activity(String tenantId, Collection<String> conversationIds) {
    Map<String, RunStore.ActiveRun> active = store.activeRuns(tenantId, conversationIds);
    Map<String, Activity> result = new HashMap<>();
    for (String id : conversationIds) {
      RunStore.ActiveRun run = active.get(id);
      result.put(
          id,
          run == null
              ? Activity.IDLE
              : run.cancelRequested() ? Activity.CANCELING : Activity.RUNNING);
    }
    return result;
  }

  /** The conversation's active run, if any; NOT_FOUND for an unknown conversation. */
  public Optional<Run> activeRun(String tenantId, String conversationId) {
    conversations.checkExists(tenantId, conversationId);
    return store.active(tenantId, conversationId);
  }

  /** Asks the conversation's active run to stop; false when none runs. */
  public boolean cancelActive(String tenantId, String conversationId) {
    Optional<Run> active = activeRun(tenantId, conversationId);
    active.ifPresent(run -> cancel(tenantId, conversationId, run.id()));
    return active.isPresent();
  }

  /** Receives what a follower reads; false from any method ends the following. */
  public interface FollowSink {
    /** A stored event of the run followed. */
    boolean event(RunEvent.Stored event);

    /** Nothing happened for the keepalive period. */
    boolean idle();

    /**
     * The run of a queued message started after the run followed: it is followed next. Its user
     * message is stored by then, unless the run could not store it.
     */
    boolean nextTurn(Run run);

    /** The events read together have all been handed over (a sink may send what it gathered). */
    default boolean flush() {
      return true;
    }
  }

  /**
   * Follows a run from the events after {@code afterSequence} to its end, and then the runs of the
   * conversation's queued messages as they start, on the caller's thread. Events are read from the
   * store, so this works on any replica; this replica's own runs wake the follower at once, others'
   * are read every {@link #FOLLOW_POLL}. The sink hears {@code idle} after {@code keepalive}
   * without events.
   */
  public void follow(
      String tenantId,
      String conversationId,
      String runId,
      int afterSequence,
      Duration keepalive,
      FollowSink sink) {
    Semaphore wake = new Semaphore(0);
    followers.computeIfAbsent(conversationId, id -> ConcurrentHashMap.newKeySet()).add(wake);
    try {
      String following = runId;
      int last = afterSequence;
      long quietSince = System.nanoTime();
      while (following != null) {
        Run finished = null;
        for (RunEvent.Stored stored : store.events(tenantId, following, last)) {
          last = stored.sequence();
          quietSince = System.nanoTime();
          if (!sink.event(stored)) {
            return;
          }
          if (stored.event() instanceof RunEvent.Finished end) {
            if (end.run() == null) {
              return; // the run is gone with its conversation
            }
            finished = end.run();
          }
        }
        if (!sink.flush()) {
          return;
        }
        if (finished != null) {
          Run next = nextTurn(tenantId, conversationId, finished, wake);
          if (next == null || !sink.nextTurn(next)) {
            return;
          }
          following = next.id();
          last = 0;
          continue;
        }
        if (System.nanoTime() - quietSince >= keepalive.toNanos()) {
          quietSince = System.nanoTime();
          if (!sink.idle()) {
            return;
          }
        }
        wake.tryAcquire(FOLLOW_POLL.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      followers.computeIfPresent(
          conversationId,
          (id, waiting) -> {
            waiting.remove(wake);
            return waiting.isEmpty() ? null : waiting;
          });
    }
  }

  /**
   * The run of the conversation asked for after {@code finished} (its next queued message, or a
   * turn sent meanwhile), once it exists, even if it already ended; null when no message waits (or
   * no run came within {@link #NEXT_TURN_WAIT}). The queue is read before the runs: a message
   * leaves the queue in the transaction that stores its run, so a message gone from the queue has
   * its run stored.
   */
  private Run nextTurn(String tenantId, String conversationId, Run finished, Semaphore wake)
      throws InterruptedException {
    long deadline = System.nanoTime() + NEXT_TURN_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      boolean waiting = !store.queue(tenantId, conversationId).isEmpty();
      Optional<Run> next = store.firstAfter(tenantId, conversationId, finished.createTime());
      if (next.isPresent()) {
        return questionStored(tenantId, next.get(), deadline, wake);
      }
      if (!waiting) {
        return null;
      }
      wake.tryAcquire(FOLLOW_POLL.toMillis(), TimeUnit.MILLISECONDS);
    }
    return null;
  }

  /**
   * The run once its user message is stored: a turn's message is appended just after its run is
   * stored (when the run holds the conversation), in a transaction of its own, so a follower may
   * find the run a moment before its question. Also returns when the run has ended without it (the
   * question could not be stored) or at the deadline.
   */
  private Run questionStored(String tenantId, Run run, long deadline, Semaphore wake)
      throws InterruptedException {
    while (System.nanoTime() < deadline) {
      Optional<Conversation> conversation = conversations.find(tenantId, run.conversationId());
      if (conversation.isEmpty()
          || conversation.get().messages().stream()
              .anyMatch(message -> message.id().equals(run.userMessageId()))) {
        return run;
      }
      Optional<Run> current = store.find(tenantId, run.conversationId(), run.id());
      if (current.isEmpty() || !current.get().status().active()) {
        return run;
      }
      wake.tryAcquire(FOLLOW_POLL.toMillis() / 10, TimeUnit.MILLISECONDS);
    }
    return run;
  }

  /** The conversation's queued messages, oldest first. */
  public List<QueuedMessage> queue(String tenantId, String conversationId) {
    conversations.checkExists(tenantId, conversationId);
    return store.queue(tenantId, conversationId);
  }

  /**
   * Queues a user message to run after the conversation's run; it runs at once when none runs.
   * RESOURCE_EXHAUSTED when {@link #MAX_QUEUED} wait already. The queue after.
   */
  public List<QueuedMessage> enqueue(
      String tenantId, String conversationId, String content, String contextJson) {
    conversations.checkExists(tenantId, conversationId);
    checkQueuedContent(content);
    Instant now = now();
    QueuedMessage message =
        new QueuedMessage(
            UUID.randomUUID().toString(), content, contextJson, now, now.plus(QUEUE_TTL));
    if (!store.enqueue(tenantId, conversationId, message, MAX_QUEUED)) {
      throw new ParleyException(
          ErrorCode.RESOURCE_EXHAUSTED, "Only two messages can be queued at a time.");
    }
    drain(tenantId, conversationId);
    return store.queue(tenantId, conversationId);
  }

  /** Replaces a queued message's text; NOT_FOUND when it is not queued. The queue after. */
  public List<QueuedMessage> updateQueued(
      String tenantId, String conversationId, String id, String content) {
    conversations.checkExists(tenantId, conversationId);
    checkQueuedContent(content);
    if (!store.updateQueued(tenantId, conversationId, id, content)) {
      throw ParleyException.notFound("Queue message not found.");
    }
    return store.queue(tenantId, conversationId);
  }

  /** Removes a queued message; NOT_FOUND when it is not queued. The queue after. */
  public List<QueuedMessage> deleteQueued(String tenantId, String conversationId, String id) {
    conversations.checkExists(tenantId, conversationId);
    if (!store.deleteQueued(tenantId, conversationId, id)) {
      throw ParleyException.notFound("Queue message not found.");
    }
    return store.queue(tenantId, conversationId);
  }

  /** Empties the conversation's queue. */
  public void clearQueue(String tenantId, String conversationId) {
    conversations.checkExists(tenantId, conversationId);
    store.clearQueue(tenantId, conversationId);
  }

  private static void checkQueuedContent(String content) {
    if (content == null) {
      throw ParleyException.invalidArgument("content", "This field is required.");
    }
    if (content.isBlank()) {
      throw ParleyException.invalidArgument("content", "This field may not be blank.");
    }
    if (content.length() > MAX_QUEUED_CONTENT) {
      throw ParleyException.invalidArgument(
          "content", "Ensure this field has no more than " + MAX_QUEUED_CONTENT + " characters.");
    }
  }

  /**
   * Starts the run of the conversation's oldest queued message unless a run answers it. Any replica
   * may call this at any time: the message leaves the queue in the transaction that stores its run,
   * so it runs once.
   */
  void drain(String tenantId, String conversationId) {
    try {
      if (store.active(tenantId, conversationId).isPresent()) {
        return;
      }
      List<QueuedMessage> waiting = store.queue(tenantId, conversationId);
      if (waiting.isEmpty()) {
        return;
      }
      QueuedMessage next = waiting.getFirst();
      MessageDraft question =
          MessageDraft.builder()
              .id(next.id())
              .role("user")
              .contentJson(
                  ProtoJson.toJson(Value.newBuilder().setStringValue(next.content()).build()))
              .propertiesJson(next.contextJson())
              .build();
      start(
          tenantId,
          conversationId,
          new RunRequest(
              null, null, false, question, UUID.randomUUID().toString(), true, next.id()),
          event -> {});
    } catch (ParleyException e) {
      // Another run holds the conversation (its end drains), or the message went meanwhile.
      LOG.atDebug().setCause(e).log("A queued message did not start");
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("tenantId", tenantId)
          .addKeyValue("conversationId", conversationId)
          .setCause(e)
          .log("Draining a conversation's queue failed; a supervisor retries");
    }
  }

  /**
   * Drafts the next reply of the conversation's team to its customer, from its messages and the
   * tenant's knowledge, with the default model; nothing is stored. FAILED_PRECONDITION without a
   * message.
   */
  public String draftReply(String tenantId, String conversationId) {
    Conversation conversation = conversations.get(tenantId, conversationId);
    List<Turn> turns = new ArrayList<>();
    String question = null;
    for (Message message : conversation.messages()) {
      String text = ContentText.plain(message.contentJson()).strip();
      if (text.isEmpty()) {
        continue;
      }
      boolean customer = CUSTOMER_ROLES.contains(message.role());
      turns.add(new Turn(customer ? Role.USER : Role.ASSISTANT, text));
      if (customer) {
        question = text;
      }
    }
    if (turns.isEmpty()) {
      throw new ParleyException(
          ErrorCode.FAILED_PRECONDITION, "No messages in conversation " + conversationId);
    }
    if (question == null) {
      question = turns.getLast().text();
    }
    while (turns.size() > HISTORY_TURNS) {
      turns.removeFirst();
    }
    Route route = routes.defaultRoute();
    StringBuilder text = new StringBuilder();
    try {
      providers
          .get(route.provider())
          .answer(
              new Prompt(
                  route.model(), List.copyOf(turns), retrieve(tenantId, question), "", maxTokens),
              new AnswerStream() {
                @Override
                public void text(String delta) {
                  if (delta != null) {
                    text.append(delta);
                  }
                }

                @Override
                public boolean cancelled() {
                  return false;
                }
              });
    } catch (AnswerProvider.ProviderException e) {
      throw new ParleyException(ErrorCode.UNAVAILABLE, "The model failed: " + e.getMessage());
    }
    return text.toString().strip();
  }

  /** A title for the conversation from its first user message, by the default provider. */
  public String proposeTitle(String tenantId, String conversationId) {
    Conversation conversation = conversations.get(tenantId, conversationId);
    List<Turn> turns = new ArrayList<>();
    for (Message message : conversation.messages()) {
      String text = ContentText.plain(message.contentJson()).strip();
      if (!text.isEmpty()) {
        turns.add(new Turn(message.role().equals("user") ? Role.USER : Role.ASSISTANT, text));
      }
    }
    if (turns.stream().noneMatch(turn -> turn.role() == Role.USER)) {
      throw new ParleyException(
          ErrorCode.FAILED_PRECONDITION,
          "Conversation " + conversationId + " has no user message to title");
    }
    Route route = routes.defaultRoute();
    String title =
        providers.get(route.provider()).proposeTitle(route.model(), turns, TITLE_LENGTH).strip();
    return title.length() > TITLE_LENGTH ? title.substring(0, TITLE_LENGTH).strip() : title;
  }

  public List<RelatedDocument> relatedDocuments(String tenantId, String conversationId) {
    conversations.checkExists(tenantId, conversationId);
    return store.related(tenantId, conversationId);
  }

  public RelatedDocument relatedDocument(String tenantId, String conversationId, String sourceId) {
    conversations.checkExists(tenantId, conversationId);
    return store
        .related(tenantId, conversationId, sourceId)
        .orElseThrow(() -> ParleyException.notFound("Related document " + sourceId + " not found"));
  }

  private void execute(
      Execution execution,
      Conversation conversation,
      Message question,
      Message continued,
      RunRequest request) {
    String tenantId = execution.tenantId;
    StringBuilder generated = new StringBuilder();
    Answer answer = null;
    String error = null;
    boolean acquired = false;
    try {
      slots.acquire();
      acquired = true;
      execution.run = execution.run.started(now());
      store.update(execution.run);
      emit(execution, new RunEvent.Started(execution.run));
      AnswerProvider provider = providers.get(execution.run.provider());
      List<Source> sources = retrieve(tenantId, ContentText.plain(question.contentJson()));
      String continuation = continued == null ? "" : ContentText.plain(continued.contentJson());
      Prompt prompt =
          new Prompt(
              execution.run.model(),
              turns(conversation, question),
              sources,
              continuation,
              maxTokens);
      DeltaBuffer buffer = new DeltaBuffer(execution, generated);
      try {
        answer = provider.answer(prompt, buffer);
      } finally {
        buffer.flush();
      }
      String text = continuation + generated;
      List<Source> cited = cited(text, sources);
      for (Source source : cited) {
        emit(execution, new RunEvent.Citation(source.number(), source));
      }
      writeAnswer(
          execution, question, continued, text, cited, answer.stopReason(), request.answerId());
      if (request.titleAfterFirstTurn()
          && conversation.title() == null
          && answer.stopReason() != Run.StopReason.CANCELLED) {
        title(execution.run);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "The run was interrupted: its replica is stopping";
    } catch (AnswerProvider.ProviderException | ParleyException e) {
      error = e.getMessage();
    } catch (RuntimeException e) {
      LOG.atError()
          .addKeyValue("tenantId", tenantId)
          .addKeyValue("runId", execution.run.id())
          .setCause(e)
          .log("An assistant run failed");
      error = "The run failed: " + e.getClass().getSimpleName();
    } finally {
      if (acquired) {
        slots.release();
      }
    }
    finish(execution, answer, error);
    if (!runs.isShutdown()) {
      drain(tenantId, conversation.id());
    }
  }

  /** Titles the conversation from its first turn; a title that cannot be had is left out. */
  private void title(Run run) {
    try {
      String title = proposeTitle(run.tenantId(), run.conversationId());
      if (!title.isEmpty()) {
        conversations.update(
            run.tenantId(),
            ConversationFilter.ofIds(List.of(run.conversationId())),
            title,
            HandlingChange.NONE);
      }
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("runId", run.id())
          .setCause(e)
          .log("Could not title a conversation after its first turn");
    }
  }

  /** Stores the answer as a new message after the question, or as the continued message. */
  private void writeAnswer(
      Execution execution,
      Message question,
      Message continued,
      String text,
      List<Source> cited,
      Run.StopReason stopReason,
      String answerId) {
    if (text.isEmpty() && stopReason == Run.StopReason.CANCELLED) {
      return; // cancelled before a word: nothing to keep
    }
    Run run = execution.run;
    String contentJson = ProtoJson.toJson(Value.newBuilder().setStringValue(text).build());
    String propertiesJson = ProtoJson.toJson(properties(run, cited, stopReason));
    Message written;
    if (continued != null) {
      written =
          conversations.rewrite(
              run.tenantId(), run.conversationId(), continued.id(), contentJson, propertiesJson);
    } else {
      written =
          conversations.append(
              run.tenantId(),
              run.conversationId(),
              MessageDraft.builder()
                  .id(
                      answerId != null
                          ? answerId
                          : "msg_" + UUID.randomUUID().toString().replace("-", ""))
                  .parentId(question.id())
                  .role("assistant")
                  .contentJson(contentJson)
                  .propertiesJson(propertiesJson)
                  .build());
    }
    execution.run = run.withAssistantMessage(written.id());
    store.update(execution.run);
    Map<String, RelatedDocument> related = new LinkedHashMap<>();
    for (Source source : cited) {
      related.putIfAbsent(
          source.documentId(),
          new RelatedDocument(
              run.conversationId(),
              source.documentId(),
              source.title(),
              source.sourceLink(),
              source.text(),
              run.id(),
              now()));
    }
    store.saveRelated(run.tenantId(), List.copyOf(related.values()));
    emit(execution, new RunEvent.MessageCompleted(written.id(), text));
  }

  /** The message's properties: the model asked for, the provider, the run, the chunks used. */
  private static Struct properties(Run run, List<Source> cited, Run.StopReason stopReason) {
    ListValue.Builder chunks = ListValue.newBuilder();
    for (Source source : cited) {
      chunks.addValues(
          Value.newBuilder()
              .setStructValue(
                  Struct.newBuilder()
                      .putFields("content", string(source.text()))
                      .putFields("contentType", string("url"))
                      .putFields(
                          "source",
                          string(
                              source.sourceLink() != null
                                  ? source.sourceLink()
                                  : source.documentId()))
                      .putFields("rank", Value.newBuilder().setNumberValue(source.number()).build())
                      .putFields("documentId", string(source.documentId()))
                      .putFields("title", string(source.title()))));
    }
    return Struct.newBuilder()
        .putFields("model", string(run.requestedModel()))
        .putFields("provider", string(run.provider()))
        .putFields("providerModel", string(run.model()))
        .putFields("runId", string(run.id()))
        .putFields("stopReason", string(stopReason.stored()))
        .putFields("usedChunks", Value.newBuilder().setListValue(chunks).build())
        .build();
  }

  private void finish(Execution execution, Answer answer, String error) {
    Run run = execution.run;
    Run.Status status;
    Run.StopReason stopReason = null;
    if (error != null) {
      status = Run.Status.FAILED;
    } else if (answer.stopReason() == Run.StopReason.CANCELLED) {
      status = Run.Status.CANCELLED;
      stopReason = Run.StopReason.CANCELLED;
    } else {
      status = Run.Status.SUCCEEDED;
      stopReason = answer.stopReason();
    }
    Run ended =
        run.ended(
            status,
            stopReason,
            error == null ? null : truncate(error),
            answer == null ? null : answer.inputTokens(),
            answer == null ? null : answer.outputTokens(),
            now());
    try {
      synchronized (execution) {
        RunEvent.Stored stored = store.finish(ended, ++execution.sequence, now());
        execution.run = ended;
        notify(execution, stored);
      }
    } catch (RuntimeException e) {
      // The heartbeat stops with the execution: the sweep fails the run.
      LOG.atError()
          .addKeyValue("runId", run.id())
          .setCause(e)
          .log("Could not store the end of a run");
    } finally {
      executions.remove(run.id());
      execution.done.complete(execution.run);
    }
  }

  /** Stores an event of the run under its next number and hands it to the listener. */
  private void emit(Execution execution, RunEvent event) {
    synchronized (execution) {
      RunEvent.Stored stored =
          store.append(execution.tenantId, execution.run.id(), ++execution.sequence, event, now());
      notify(execution, stored);
    }
  }

  private void notify(Execution execution, RunEvent.Stored stored) {
    try {
      execution.listener.on(stored);
    } catch (RuntimeException e) {
      // A caller that went away does not stop the run.
      LOG.atDebug().setCause(e).log("A run listener failed");
    }
    wake(execution.run.conversationId());
  }

  /** Wakes this replica's followers of the conversation: something was stored. */
  private void wake(String conversationId) {
    Set<Semaphore> waiting = followers.get(conversationId);
    if (waiting != null) {
      waiting.forEach(Semaphore::release);
    }
  }

  /** The answer's text as it streams: stored in pieces, not token by token. */
  private final class DeltaBuffer implements AnswerStream {
    private final Execution execution;
    private final StringBuilder generated;
    private final StringBuilder pending = new StringBuilder();
    private long lastFlush = System.nanoTime();

    DeltaBuffer(Execution execution, StringBuilder generated) {
      this.execution = execution;
      this.generated = generated;
    }

    @Override
    public synchronized void text(String delta) {
      if (delta == null || delta.isEmpty()) {
        return;
      }
      generated.append(delta);
      pending.append(delta);
      if (pending.length() >= FLUSH_CHARS || System.nanoTime() - lastFlush >= FLUSH_NANOS) {
        flush();
      }
    }

    @Override
    public boolean cancelled() {
      return execution.cancelRequested;
    }

    synchronized void flush() {
      if (!pending.isEmpty()) {
        emit(execution, new RunEvent.TextDelta(pending.toString()));
        pending.setLength(0);
      }
      lastFlush = System.nanoTime();
    }
  }

  /** The passages retrieved for the question, numbered, with whether each is relevant. */
  private List<Source> retrieve(String tenantId, String question) {
    String query = question.strip();
    if (query.isEmpty()) {
      return List.of();
    }
    if (query.length() > KnowledgeSearch.MAX_QUERY) {
      query = query.substring(0, KnowledgeSearch.MAX_QUERY);
    }
    List<Source> sources = new ArrayList<>();
    for (KnowledgeSearch.Hit hit : search.search(tenantId, query, SOURCES)) {
      sources.add(
          new Source(
              sources.size() + 1,
              hit.passage().documentId(),
              hit.passage().title(),
              hit.passage().sourceLink(),
              hit.passage().text(),
              hit.score(),
              hit.wordMatch() || hit.similarity() >= RELEVANT_SIMILARITY));
    }
    return sources;
  }

  /** The sources the text cites as [n], in number order. */
  private static List<Source> cited(String text, List<Source> sources) {
    Set<Integer> numbers = new HashSet<>();
    Matcher matcher = CITATION.matcher(text);
    while (matcher.find()) {
      numbers.add(Integer.parseInt(matcher.group(1)));
    }
    return sources.stream().filter(source -> numbers.contains(source.number())).toList();
  }

  /** The turns from the conversation's start to the question, along its branch. */
  private static List<Turn> turns(Conversation conversation, Message question) {
    Map<String, Message> byId = new HashMap<>();
    conversation.messages().forEach(message -> byId.put(message.id(), message));
    Deque<Turn> path = new ArrayDeque<>();
    Message current = question;
    while (current != null && path.size() < HISTORY_TURNS) {
      String text = ContentText.plain(current.contentJson()).strip();
      if (!text.isEmpty()) {
        path.addFirst(new Turn(current.role().equals("user") ? Role.USER : Role.ASSISTANT, text));
      }
      current = current.parentId() == null ? null : byId.get(current.parentId());
    }
    return List.copyOf(path);
  }

  /** The user message a continued answer answers: its parent, or the last user message before. */
  private static Message userMessageBefore(Conversation conversation, Message answer) {
    Optional<Message> parent =
        conversation.messages().stream()
            .filter(message -> message.id().equals(answer.parentId()))
            .filter(message -> message.role().equals("user"))
            .findFirst();
    if (parent.isPresent()) {
      return parent.get();
    }
    List<Message> messages = conversation.messages();
    for (int i = messages.indexOf(answer) - 1; i >= 0; i--) {
      if (messages.get(i).role().equals("user")) {
        return messages.get(i);
      }
    }
    return null;
  }

  @Override
  public synchronized void start() {
    supervisor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("assistant-supervisor").daemon().factory());
    supervisor.scheduleWithFixedDelay(
        this::supervise, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (supervisor != null) {
      supervisor.shutdownNow();
    }
    // Runs in flight end as failed; a run whose end cannot be stored is swept by another replica.
    runs.shutdownNow();
    try {
      runs.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Beats the heartbeat of this replica's runs, learns of cancels, and sweeps orphans. */
  private void supervise() {
    try {
      Map<String, List<String>> byTenant = new HashMap<>();
      executions.forEach(
          (runId, execution) ->
              byTenant.computeIfAbsent(execution.tenantId, tenant -> new ArrayList<>()).add(runId));
      byTenant.forEach(
          (tenantId, runIds) -> {
            for (String cancelled : store.heartbeat(tenantId, runIds)) {
              Execution execution = executions.get(cancelled);
              if (execution != null) {
                execution.cancelRequested = true;
              }
            }
          });
      if (ticks++ % 5 == 0) {
        for (RunStore.RunKey orphan : store.failOrphans(STALE_AFTER)) {
          LOG.atWarn()
              .addKeyValue("tenantId", orphan.tenantId())
              .addKeyValue("runId", orphan.runId())
              .addKeyValue("conversationId", orphan.conversationId())
              .log("Failed an assistant run whose process stopped");
        }
        // Queues left waiting: their run's replica stopped between two turns.
        for (RunStore.ConversationKey waiting : store.queuesToDrain(DRAIN_BATCH)) {
          drain(waiting.tenantId(), waiting.conversationId());
        }
      }
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).log("Supervising assistant runs failed; retrying");
    }
  }

  private static String truncate(String text) {
    return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR - 3) + "...";
  }

  private static Value string(String text) {
    return Value.newBuilder().setStringValue(text == null ? "" : text).build();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
