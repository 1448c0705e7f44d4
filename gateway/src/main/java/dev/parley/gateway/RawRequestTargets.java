package dev.parley.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;

/**
 * The request target of an HTTP/1 request as the caller sent it, known while the request's bytes
 * are being decoded. Armeria refuses a request whose path it cannot accept ({@code %00}, an encoded
 * {@code ../}, a NUL in the query) before it has request headers, so its error handler learns
 * nothing of the path; this handler, first in every connection's pipeline, reads the target from
 * the request line so that the refusal is rendered in the dialect of the path the caller used.
 *
 * <p>It also drops PostHog's optional trailing slash from the request line, before Armeria routes
 * the request, as Envoy's Lua filter does before transcoding: transcoding templates cannot end in a
 * slash, and PostHog's clients always send one. ({@link TrailingSlashes} still catches what this
 * cannot see: HTTP/2 requests and a request line split across reads.)
 */
@ChannelHandler.Sharable
final class RawRequestTargets extends ChannelInboundHandlerAdapter {
  static final RawRequestTargets INSTANCE = new RawRequestTargets();

  /** How far into a read the request line is looked for. */
  private static final int MAX_LINE = 64 * 1024;

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  /** The connection's latest request line target: a long request arrives in several reads. */
  private static final AttributeKey<String> LATEST =
      AttributeKey.valueOf(RawRequestTargets.class, "latest");

  private RawRequestTargets() {}

  /** The target of the request being decoded on this thread, or null. */
  static String current() {
    return CURRENT.get();
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object message) {
    if (message instanceof ByteBuf bytes) {
      message = withoutPostHogTrailingSlash(bytes);
    }
    String target = message instanceof ByteBuf bytes ? requestTarget(bytes) : null;
    if (target != null) {
      context.channel().attr(LATEST).set(target);
    } else {
      target = context.channel().attr(LATEST).get();
    }
    if (target == null) {
      context.fireChannelRead(message);
      return;
    }
    CURRENT.set(target);
    try {
      context.fireChannelRead(message);
    } finally {
      CURRENT.remove();
    }
  }

  /**
   * The bytes with the slash that ends a PostHog path (before its query) removed from the request
   * line they start with; the same bytes when there is none.
   */
  static ByteBuf withoutPostHogTrailingSlash(ByteBuf bytes) {
    String target = requestTarget(bytes);
    if (target == null || !target.startsWith(TrailingSlashes.MOUNT)) {
      return bytes;
    }
    int query = target.indexOf('?');
    int pathEnd = query >= 0 ? query : target.length();
    if (pathEnd <= TrailingSlashes.MOUNT.length() || target.charAt(pathEnd - 1) != '/') {
      return bytes;
    }
    int start = bytes.readerIndex();
    int slash =
        bytes.indexOf(start, Math.min(start + MAX_LINE, bytes.writerIndex()), (byte) ' ') + pathEnd;
    ByteBuf rewritten =
        Unpooled.wrappedBuffer(
            bytes.retainedSlice(start, slash - start),
            bytes.retainedSlice(slash + 1, bytes.writerIndex() - slash - 1));
    bytes.release();
    return rewritten;
  }

  /** The target of a request line at the start of the bytes ({@code GET /path HTTP/1.1}). */
  static String requestTarget(ByteBuf bytes) {
    int start = bytes.readerIndex();
    int end = start + Math.min(bytes.readableBytes(), MAX_LINE);
    int index = start;
    while (index < end && index - start <= 16 && isTokenChar(bytes.getByte(index))) {
      index++;
    }
    if (index == start || index >= end || bytes.getByte(index) != ' ') {
      return null;
    }
    int targetStart = ++index;
    while (index < end) {
      byte next = bytes.getByte(index);
      if (next == ' ' || next == '\r' || next == '\n') {
        break;
      }
      index++;
    }
    return index == targetStart
        ? null
        : bytes.toString(targetStart, index - targetStart, StandardCharsets.ISO_8859_1);
  }

  private static boolean isTokenChar(byte value) {
    return value >= 'A' && value <= 'Z';
  }
}
