package dev.parley.conversation.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Storage of assistant runs, their events and related documents; scoped to one tenant. */
public interface RunStore {
  /**
   * Stores a new run owned by {@code owner} (a replica), beating its heartbeat; false when the
   * conversation already has an active run (whichever replica took it).
   */
  boolean insert(Run run, String owner);

  /**
   * {@link #insert(Run, String)} that also takes the queued message the run answers off the queue,
   * in the same transaction: false, and nothing changed, when the conversation has an active run or
   * the message is no longer queued.
   */
  boolean insert(Run run, String owner, String queuedMessageId);

  /** Whether each of these conversations has an active run and whether it was asked to stop. */
  java.util.Map<String, ActiveRun> activeRuns(String tenantId, Collection<String> conversationIds);

  /** An active run of a conversation. */
  record ActiveRun(String runId, String conversationId, boolean cancelRequested) {}

  /** The conversation's queued messages that have not expired, oldest first. */
  List<QueuedMessage> queue(String tenantId, String conversationId);

  /**
   * Queues the message unless {@code max} are waiting already (false then); queues of one
   * conversation change one at a time.
   */
  boolean enqueue(String tenantId, String conversationId, QueuedMessage message, int max);

  /** Replaces a queued message's content; false when it is not queued. */
  boolean updateQueued(String tenantId, String conversationId, String id, String content);

  /** Removes a queued message; false when it is not queued. */
  boolean deleteQueued(String tenantId, String conversationId, String id);

  /** Removes every queued message of the conversation. */
  void clearQueue(String tenantId, String conversationId);

  /**
   * Across tenants: drops expired queued messages and names up to {@code max} conversations that
   * have a waiting message and no active run.
   */
  List<ConversationKey> queuesToDrain(int max);

  /** A conversation of a tenant. */
  record ConversationKey(String tenantId, String conversationId) {}

  Optional<Run> find(String tenantId, String conversationId, String runId);

  /** The conversation's first run asked for after {@code after}, whatever its status. */
  Optional<Run> firstAfter(String tenantId, String conversationId, Instant after);

  /** The conversation's active run, if any. */
  Optional<Run> active(String tenantId, String conversationId);

  /** Writes the run's status, message, tokens and times (not its terminal state: see finish). */
  void update(Run run);

  /** Stores an event of the run under its number. */
  RunEvent.Stored append(String tenantId, String runId, int sequence, RunEvent event, Instant time);

  /**
   * Ends the run: its terminal state, its finished event under {@code sequence}, and the analytics
   * event, in one transaction.
   */
  RunEvent.Stored finish(Run run, int sequence, Instant time);

  /** The run's events after a number, in order. */
  List<RunEvent.Stored> events(String tenantId, String runId, int afterSequence);

  /** Beats the heartbeat of these runs of the tenant; the ids of those asked to cancel. */
  Set<String> heartbeat(String tenantId, Collection<String> runIds);

  /** Asks an active run to stop; false when it is not active. */
  boolean requestCancel(String tenantId, String conversationId, String runId);

  /** A run of some tenant. */
  record RunKey(String tenantId, String runId, String conversationId) {}

  /** Fails every active run of any tenant whose heartbeat is older than {@code staleAfter}. */
  List<RunKey> failOrphans(Duration staleAfter);

  /** Records (or refreshes) the documents a run cited. */
  void saveRelated(String tenantId, List<RelatedDocument> documents);

  /** The documents a conversation's runs cited, source ids descending. */
  List<RelatedDocument> related(String tenantId, String conversationId);

  Optional<RelatedDocument> related(String tenantId, String conversationId, String sourceId);
}
