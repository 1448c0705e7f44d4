package dev.parley.conversation.compat.bedrock;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.bedrock.v1.ConversationMeta;
import dev.parley.compat.bedrock.v1.DocumentPreview;
import dev.parley.compat.bedrock.v1.MessageOutput;
import dev.parley.compat.bedrock.v1.SearchResult;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationStore.SearchHit;
import dev.parley.conversation.domain.Document;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Reasons;
import dev.parley.conversation.domain.RelatedDocument;
import dev.parley.platform.proto.ProtoJson;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Stored conversations in Bedrock Chat's shapes. */
final class BedrockMapping {
  static final String ROOT = "system";
  private static final String NEW_TITLE = "New conversation";
  private static final String UNTITLED = "Untitled conversation";

  private BedrockMapping() {}

  static ConversationMeta toMeta(Conversation conversation) {
    return ConversationMeta.newBuilder()
        .setId(conversation.id())
        .setTitle(conversation.title() == null ? NEW_TITLE : conversation.title())
        .setCreateTime(seconds(conversation.createTime()))
        .setModel(stringProperty(conversation.propertiesJson(), "model", ""))
        .setBotId(botId(conversation))
        .build();
  }

  /**
   * The message tree: stored messages keep their parent links; those without one hang under the
   * synthetic "system" root, as in Bedrock Chat.
   */
  static dev.parley.compat.bedrock.v1.Conversation toConversation(
      Conversation conversation, List<Feedback> feedback) {
    Map<String, Feedback> latestFeedback = new HashMap<>();
    for (Feedback item : feedback) {
      if (item.author() == Feedback.Author.USER) {
        latestFeedback.merge(
            item.messageId(), item, (a, b) -> a.updateTime().isAfter(b.updateTime()) ? a : b);
      }
    }
    String conversationModel = stringProperty(conversation.propertiesJson(), "model", "");
    Map<String, String> parents = new LinkedHashMap<>();
    Map<String, List<String>> children = new HashMap<>();
    children.put(ROOT, new ArrayList<>());
    for (Message message : conversation.messages()) {
      children.put(message.id(), new ArrayList<>());
    }
    for (Message message : conversation.messages()) {
      String parent =
          message.parentId() != null && children.containsKey(message.parentId())
              ? message.parentId()
              : ROOT;
      parents.put(message.id(), parent);
      children.get(parent).add(message.id());
    }
    var result =
        dev.parley.compat.bedrock.v1.Conversation.newBuilder()
            .setId(conversation.id())
            .setTitle(conversation.title() == null ? NEW_TITLE : conversation.title())
            .setCreateTime(seconds(conversation.createTime()))
            .setLastMessageId(
                conversation.messages().isEmpty() ? ROOT : conversation.messages().getLast().id())
            .setBotId(botId(conversation))
            .setShouldContinue(
                !conversation.messages().isEmpty()
                    && "length"
                        .equals(
                            stringProperty(
                                conversation.messages().getLast().propertiesJson(),
                                "stopReason",
                                "")));
    result.putMessageMap(
        ROOT,
        MessageOutput.newBuilder()
            .setRole("system")
            .addContent(text(""))
            .setModel(conversationModel)
            .addAllChildren(children.get(ROOT))
            .setParent(ProtoJson.nullValue())
            .setFeedback(ProtoJson.nullValue())
            .setUsedChunks(ProtoJson.nullValue())
            .setThinkingLog(ProtoJson.nullValue())
            .build());
    for (Message message : conversation.messages()) {
      Feedback rated = latestFeedback.get(message.id());
      result.putMessageMap(
          message.id(),
          MessageOutput.newBuilder()
              .setRole(role(message.role()))
              .addAllContent(content(message.contentJson()))
              .setModel(stringProperty(message.propertiesJson(), "model", conversationModel))
              .addAllChildren(children.get(message.id()))
              .setParent(Value.newBuilder().setStringValue(parents.get(message.id())))
              .setFeedback(rated == null ? ProtoJson.nullValue() : feedback(rated))
              .setUsedChunks(usedChunks(message.propertiesJson()))
              .setThinkingLog(ProtoJson.nullValue())
              .build());
    }
    return result.build();
  }

  /**
   * The chunks an assistant answer used, as Bedrock's Chunk {content, contentType, source, rank};
   * null for a message no run wrote.
   */
  static Value usedChunks(String propertiesJson) {
    if (propertiesJson == null) {
      return ProtoJson.nullValue();
    }
    Value chunks = ProtoJson.toStruct(propertiesJson).getFieldsOrDefault("usedChunks", null);
    if (chunks == null || !chunks.hasListValue()) {
      return ProtoJson.nullValue();
    }
    ListValue.Builder result = ListValue.newBuilder();
    for (Value chunk : chunks.getListValue().getValuesList()) {
      Struct fields = chunk.getStructValue();
      Struct.Builder shaped = Struct.newBuilder();
      for (String key : List.of("content", "contentType", "source", "rank")) {
        shaped.putFields(key, fields.getFieldsOrDefault(key, ProtoJson.nullValue()));
      }
      result.addValues(Value.newBuilder().setStructValue(shaped));
    }
    return Value.newBuilder().setListValue(result).build();
  }

  /** A cited document: its passage as a ToolResult {text}, no page (passages are not paged). */
  static dev.parley.compat.bedrock.v1.RelatedDocument toRelatedDocument(RelatedDocument document) {
    return dev.parley.compat.bedrock.v1.RelatedDocument.newBuilder()
        .setContent(
            Value.newBuilder()
                .setStructValue(Struct.newBuilder().putFields("text", string(document.text()))))
        .setSourceId(document.sourceId())
        .setSourceName(ProtoJson.stringOrNull(document.sourceName()))
        .setSourceLink(ProtoJson.stringOrNull(document.sourceLink()))
        .setPageNumber(ProtoJson.nullValue())
        .build();
  }

  /** The first characters of a text document a preview shows. */
  static final int PREVIEW_CHARACTERS = 10_000;

  /** A preview: a text document's first characters, or a PDF's link (null for text). */
  static DocumentPreview toPreview(RelatedDocument related, Document document, String url) {
    boolean pdf = url != null;
    String content = document.content() == null ? "" : document.content();
    return DocumentPreview.newBuilder()
        .setSourceId(related.sourceId())
        .setSourceName(ProtoJson.stringOrNull(document.title()))
        .setContentType(pdf ? "pdf" : "text")
        .setText(
            pdf
                ? ProtoJson.nullValue()
                : string(
                    content.length() <= PREVIEW_CHARACTERS
                        ? content
                        : content.substring(0, PREVIEW_CHARACTERS)))
        .setUrl(ProtoJson.stringOrNull(url))
        .setPageCount(
            document.pageCount() == null
                ? ProtoJson.nullValue()
                : Value.newBuilder().setNumberValue(document.pageCount()).build())
        .setSizeBytes((int) document.sizeBytes())
        .build();
  }

  static SearchResult toSearchResult(SearchHit hit) {
    Conversation conversation = hit.conversation();
    ListValue.Builder highlights = ListValue.newBuilder();
    if (hit.titleHighlight() != null) {
      highlights.addValues(highlight("Title", List.of(hit.titleHighlight())));
    }
    if (!hit.bodyHighlights().isEmpty()) {
      highlights.addValues(highlight("MessageBody", hit.bodyHighlights()));
    }
    return SearchResult.newBuilder()
        .setId(conversation.id())
        .setTitle(conversation.title() == null ? UNTITLED : conversation.title())
        .setLastUpdatedTime(
            conversation.lastMessageTime() == null ? 0 : seconds(conversation.lastMessageTime()))
        .setBotId(botId(conversation))
        .setHighlights(
            highlights.getValuesCount() == 0
                ? ProtoJson.nullValue()
                : Value.newBuilder().setListValue(highlights).build())
        .build();
  }

  /** {thumbsUp, category, comment}, absent values as "". */
  static Value feedback(Feedback feedback) {
    List<String> labels = Reasons.labels(feedback.reasonsJson());
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields(
                    "thumbsUp",
                    Value.newBuilder()
                        .setBoolValue(feedback.rating() == Feedback.Rating.POSITIVE)
                        .build())
                .putFields(
                    "category",
                    Value.newBuilder()
                        .setStringValue(labels.isEmpty() ? "" : labels.getFirst())
                        .build())
                .putFields(
                    "comment",
                    Value.newBuilder()
                        .setStringValue(feedback.details() == null ? "" : feedback.details())
                        .build()))
        .build();
  }

  /**
   * Bedrock's content parts: a string becomes one text part; OpenAI parts become text and image
   * parts; parts that already carry a contentType (written by Bedrock clients) stay as they are.
   */
  static List<Value> content(String contentJson) {
    if (contentJson == null) {
      return List.of();
    }
    Value content = ProtoJson.toValue(contentJson);
    if (content.hasStringValue()) {
      return List.of(text(content.getStringValue()));
    }
    if (!content.hasListValue()) {
      return List.of(text(ProtoJson.toJson(content)));
    }
    List<Value> parts = new ArrayList<>();
    for (Value part : content.getListValue().getValuesList()) {
      Struct fields = part.getStructValue();
      if (fields.containsFields("contentType")) {
        parts.add(part);
      } else if (fields.containsFields("text")) {
        parts.add(text(fields.getFieldsOrThrow("text").getStringValue()));
      } else if (fields.containsFields("image_url")) {
        Value url =
            fields
                .getFieldsOrThrow("image_url")
                .getStructValue()
                .getFieldsOrDefault("url", Value.newBuilder().setStringValue("").build());
        parts.add(imagePart(url.getStringValue()));
      } else if (part.hasStringValue()) {
        parts.add(text(part.getStringValue()));
      }
    }
    return parts;
  }

  /**
   * An OpenAI {@code image_url} as Bedrock's UI draws it ({@code data:<mediaType>;base64,<body>}):
   * a {@code data:} URL of an image becomes an image part with its MIME type and base64 bytes, one
   * of another type an attachment; a remote URL (or a {@code data:} URL that does not decode)
   * becomes a text part carrying the link, never an image the UI cannot draw.
   */
  static Value imagePart(String url) {
    DataUrl data = DataUrl.parse(url);
    if (data == null) {
      return text(url);
    }
    Struct.Builder part = Struct.newBuilder();
    if (data.mediaType().startsWith("image/")) {
      part.putFields("contentType", string("image"))
          .putFields("mediaType", string(data.mediaType()));
    } else {
      part.putFields("contentType", string("attachment"))
          .putFields("fileName", string("attachment"));
    }
    return Value.newBuilder().setStructValue(part.putFields("body", string(data.base64()))).build();
  }

  /** RFC 2397 {@code data:[<mediatype>][;base64],<data>}, its bytes as standard base64. */
  record DataUrl(String mediaType, String base64) {
    private static final Pattern SYNTAX =
        Pattern.compile(
            "(?is)data:([a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+)?((?:;[^,;]*)*?)(;base64)?,(.*)");

    static DataUrl parse(String url) {
      Matcher matcher = SYNTAX.matcher(url);
      if (!matcher.matches()) {
        return null;
      }
      String mediaType =
          matcher.group(1) == null ? "text/plain" : matcher.group(1).toLowerCase(Locale.ROOT);
      String payload = matcher.group(4);
      byte[] bytes;
      try {
        bytes =
            matcher.group(3) != null
                ? Base64.getDecoder().decode(payload.replaceAll("\\s", ""))
                : URLDecoder.decode(payload.replace("+", "%2B"), StandardCharsets.UTF_8)
                    .getBytes(StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      if (bytes.length == 0) {
        return null;
      }
      return new DataUrl(mediaType, Base64.getEncoder().encodeToString(bytes));
    }
  }

  /** Bedrock knows user, assistant and system; every other author speaks as the assistant. */
  private static String role(String role) {
    return switch (role) {
      case "user", "system" -> role;
      default -> "assistant";
    };
  }

  static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }

  private static Value botId(Conversation conversation) {
    String botId = stringProperty(conversation.propertiesJson(), "botId", null);
    return ProtoJson.stringOrNull(botId);
  }

  private static String stringProperty(String propertiesJson, String key, String fallback) {
    if (propertiesJson == null) {
      return fallback;
    }
    Value value = ProtoJson.toStruct(propertiesJson).getFieldsOrDefault(key, null);
    return value != null && value.hasStringValue() ? value.getStringValue() : fallback;
  }

  private static Value highlight(String field, List<String> fragments) {
    ListValue.Builder list = ListValue.newBuilder();
    fragments.forEach(fragment -> list.addValues(string(fragment)));
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields("fieldName", string(field))
                .putFields("fragments", Value.newBuilder().setListValue(list).build()))
        .build();
  }

  private static Value text(String body) {
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields("contentType", string("text"))
                .putFields("body", string(body)))
        .build();
  }

  private static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }
}
