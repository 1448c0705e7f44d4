package dev.parley.platform.grpc;

/**
 * The sizes every Parley server and channel accept, set deliberately in one place. A request is
 * bounded by the gateway's body limit (2 MiB of JSON by default) well below {@link #REQUEST_BYTES};
 * a list answer is bounded by {@link dev.parley.platform.paging.PageBudget} well below {@link
 * #RESPONSE_BYTES}, and an answer over it fails with a clear error instead of a transport one.
 * Status messages are bounded by {@link dev.parley.platform.error.ErrorStatuses}, far below {@link
 * #METADATA_BYTES}.
 */
public final class MessageLimits {
  /** The largest request message a service reads. */
  public static final int REQUEST_BYTES = 8 * 1024 * 1024;

  /** The largest response message a service sends, and a channel reads. */
  public static final int RESPONSE_BYTES = 16 * 1024 * 1024;

  /** The largest header or trailer list a server or channel reads. */
  public static final int METADATA_BYTES = 64 * 1024;

  private MessageLimits() {}
}
