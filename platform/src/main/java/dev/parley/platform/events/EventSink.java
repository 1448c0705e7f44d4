package dev.parley.platform.events;

import dev.parley.event.v1.EventRecord;
import java.util.List;
import java.util.Optional;

/**
 * Where a consumer of an event stream applies what it reads. Exactly once in effect: applying a
 * record twice (after a crash, before its cursor was stored) must change nothing the second time.
 */
public interface EventSink {
  /** The cursor of the last record applied from the stream, if any. */
  Optional<String> cursor(String stream);

  /** Applies the records in order and stores the cursor of the last, in one transaction. */
  void apply(String stream, List<EventRecord> records);

  /**
   * Applies one record that was parked earlier (see {@link EventParking}), leaving the stream's
   * cursor where it is. Exactly once in effect, as {@link #apply}.
   */
  void replay(String stream, EventRecord record);
}
