package dev.parley.conversation.domain;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.platform.proto.ProtoJson;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain text of a message's content, for dialects that show a message as one string: a string
 * content as it is, the {@code text} (OpenAI) or string {@code body} (Bedrock, GitBook) of each
 * part joined by blank lines (Markdown paragraphs). The same rule as the database's {@code
 * conversation.plain_text}, which feeds search.
 */
public final class ContentText {
  private ContentText() {}

  public static String plain(String contentJson) {
    if (contentJson == null) {
      return "";
    }
    Value content = ProtoJson.toValue(contentJson);
    if (content.hasStringValue()) {
      return content.getStringValue();
    }
    if (content.hasStructValue()) {
      return partText(content.getStructValue());
    }
    List<String> texts = new ArrayList<>();
    if (content.hasListValue()) {
      for (Value part : content.getListValue().getValuesList()) {
        if (part.hasStructValue()) {
          String text = partText(part.getStructValue());
          if (text != null) {
            texts.add(text);
          }
        }
      }
    }
    return String.join("\n\n", texts);
  }

  private static String partText(Struct part) {
    Value text = part.getFieldsOrDefault("text", null);
    if (text != null && text.hasStringValue()) {
      return text.getStringValue();
    }
    Value body = part.getFieldsOrDefault("body", null);
    return body != null && body.hasStringValue() ? body.getStringValue() : null;
  }
}
