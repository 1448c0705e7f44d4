package dev.parley.conversation.domain;

/**
 * What happened in a run, in the order it happened: it started, the answer grew, it cited a source,
 * its message was stored, it finished. Each is stored as it happens, numbered from 1.
 */
public sealed interface RunEvent {
  /** The run started (or resumed generation); the run as it stood. */
  record Started(Run run) implements RunEvent {}

  /** More answer text. */
  record TextDelta(String text) implements RunEvent {}

  /** A numbered source the answer cites as [n]. */
  record Citation(int number, Source source) implements RunEvent {}

  /** The assistant message is stored. */
  record MessageCompleted(String messageId, String text) implements RunEvent {}

  /** The run ended; the run as it ended. */
  record Finished(Run run) implements RunEvent {}

  /** An event as stored: its run, its number and when. */
  record Stored(String runId, int sequence, java.time.Instant time, RunEvent event) {}
}
