package dev.parley.conversation.compat.posthog;

import com.google.common.collect.ImmutableSet;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** PostHog AI's request bodies checked as its DRF serializers check them, in their order. */
final class PostHogRequests {
  /** PostHog's alias, in paths, for the key's own project. */
  private static final String CURRENT_PROJECT = "@current";

  /** PostHog's AgentMode values. */
  static final Set<String> AGENT_MODES =
      ImmutableSet.of(
          "product_analytics",
          "sql",
          "session_replay",
          "error_tracking",
          "plan",
          "execution",
          "survey",
          "onboarding",
          "research",
          "flags",
          "llm_analytics",
          "sandbox");

  private static final Pattern HEX_UUID = Pattern.compile("[0-9a-fA-F]{32}");

  private PostHogRequests() {}

  /** The tenant of the path's project: the caller's, also as {@code @current}. */
  static String tenant(String projectId) {
    return CallContext.pathTenant("Project", projectId, CURRENT_PROJECT);
  }

  /** PostHog's ad-hoc {@code {"error": message}} body. */
  static String error(String message) {
    return "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }

  /**
   * A create/stream body: {@code content} (null to re-attach), the conversation, the trace id and
   * what the client sent along, which the human message keeps.
   */
  record Turn(String content, String conversationId, Struct properties, boolean resumePayload) {}

  static Turn turn(Struct body) {
    Map<String, Value> fields = body.getFieldsMap();
    String content = content(fields.get("content"), true);
    String conversation = uuid("conversation", fields.get("conversation"));
    String traceId = uuid("trace_id", fields.get("trace_id"));
    Struct.Builder properties = context(fields).putFields("trace_id", string(traceId));
    Value session = fields.get("session_id");
    if (session != null && !session.hasNullValue()) {
      if (!session.hasStringValue() && !session.hasNumberValue()) {
        throw ParleyException.invalidArgument("session_id", "Not a valid string.");
      }
      properties.putFields("session_id", string(scalar(session)));
    }
    Value sandbox = fields.get("is_sandbox");
    if (sandbox != null && !sandbox.hasNullValue()) {
      if (!sandbox.hasBoolValue()) {
        throw ParleyException.invalidArgument("is_sandbox", "Must be a valid boolean.");
      }
      if (sandbox.getBoolValue()) {
        throw ParleyException.invalidArgument(
            "is_sandbox", "Sandbox conversations are not supported by this server.");
      }
    }
    Value resume = fields.get("resume_payload");
    return new Turn(
        content, conversation, properties.build(), resume != null && !resume.hasNullValue());
  }

  /**
   * What a message brings along and PostHog keeps with it: {@code contextual_tools} (an object),
   * {@code ui_context} (an object, else "Invalid message content."), {@code billing_context}
   * (dropped silently unless an object) and {@code agent_mode}.
   */
  static Struct.Builder context(Map<String, Value> fields) {
    Struct.Builder context = Struct.newBuilder();
    Value tools = fields.get("contextual_tools");
    if (tools != null && !tools.hasNullValue()) {
      if (!tools.hasStructValue()) {
        throw ParleyException.invalidArgument(
            "contextual_tools",
            "Expected a dictionary of items but got type \"" + typeName(tools) + "\".");
      }
      context.putFields("contextual_tools", tools);
    }
    Value uiContext = fields.get("ui_context");
    if (uiContext != null && !uiContext.hasNullValue()) {
      if (!uiContext.hasStructValue()) {
        throw ParleyException.invalidArgument("ui_context", "Invalid message content.");
      }
      context.putFields("ui_context", uiContext);
    }
    Value billing = fields.get("billing_context");
    if (billing != null && billing.hasStructValue()) {
      context.putFields("billing_context", billing);
    }
    String mode = agentMode(fields.get("agent_mode"));
    if (mode != null) {
      context.putFields("agent_mode", string(mode));
    }
    return context;
  }

  /**
   * A message's text as DRF's CharField takes it: numbers become text, other types are refused.
   * Null only where allowed.
   */
  static String content(Value value, boolean nullable) {
    if (value == null) {
      throw ParleyException.invalidArgument("content", "This field is required.");
    }
    if (value.hasNullValue()) {
      if (nullable) {
        return null;
      }
      throw ParleyException.invalidArgument("content", "This field may not be null.");
    }
    if (!value.hasStringValue() && !value.hasNumberValue()) {
      throw ParleyException.invalidArgument("content", "Not a valid string.");
    }
    String text = scalar(value);
    if (text.length() > PostHogConversationStreamGrpcService.MAX_CONTENT) {
      throw ParleyException.invalidArgument(
          "content",
          "Ensure this field has no more than "
              + PostHogConversationStreamGrpcService.MAX_CONTENT
              + " characters.");
    }
    return text;
  }

  /** An agent mode, or null when absent; PostHog's message for an unknown one. */
  static String agentMode(Value value) {
    if (value == null || value.hasNullValue()) {
      return null;
    }
    if (!value.hasStringValue() || !AGENT_MODES.contains(value.getStringValue())) {
      throw ParleyException.invalidArgument("agent_mode", "Invalid agent mode.");
    }
    return value.getStringValue();
  }

  /** A required UUID field, in its canonical lower-case form (DRF accepts the hex form too). */
  static String uuid(String field, Value value) {
    if (value == null) {
      throw ParleyException.invalidArgument(field, "This field is required.");
    }
    if (value.hasNullValue()) {
      throw ParleyException.invalidArgument(field, "This field may not be null.");
    }
    String text = value.hasStringValue() ? value.getStringValue().strip() : "";
    if (HEX_UUID.matcher(text).matches()) {
      text =
          text.substring(0, 8)
              + "-"
              + text.substring(8, 12)
              + "-"
              + text.substring(12, 16)
              + "-"
              + text.substring(16, 20)
              + "-"
              + text.substring(20);
    }
    try {
      if (text.length() == 36) {
        return UUID.fromString(text).toString();
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw ParleyException.invalidArgument(field, "Must be a valid UUID.");
  }

  private static String scalar(Value value) {
    if (value.hasStringValue()) {
      return value.getStringValue();
    }
    double number = value.getNumberValue();
    return number == Math.rint(number) && Math.abs(number) < 1e15
        ? Long.toString((long) number)
        : Double.toString(number);
  }

  private static String typeName(Value value) {
    return switch (value.getKindCase()) {
      case LIST_VALUE -> "list";
      case STRING_VALUE -> "str";
      case NUMBER_VALUE -> "float";
      case BOOL_VALUE -> "bool";
      default -> "NoneType";
    };
  }

  static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }
}
