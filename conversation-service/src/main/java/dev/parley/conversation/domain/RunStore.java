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

  Optional<Run> find(String tenantId, String conversationId, String runId);

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
