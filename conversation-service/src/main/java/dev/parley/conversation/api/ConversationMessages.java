package dev.parley.conversation.api;

import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationDraft;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.Handling;
import dev.parley.conversation.domain.HandlingChange;
import dev.parley.conversation.domain.HandlingChange.Edit;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Visibility;
import dev.parley.conversation.v1.ConversationView;
import dev.parley.conversation.v1.EndUser;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.proto.ProtoTime;
import java.util.List;

/** Native protobuf messages to and from the domain. */
final class ConversationMessages {
  private ConversationMessages() {}

  static dev.parley.conversation.v1.Conversation toProto(
      Conversation conversation, ConversationView view) {
    var proto =
        dev.parley.conversation.v1.Conversation.newBuilder()
            .setId(conversation.id())
            .setKind(kind(conversation.kind()))
            .setSource(conversation.source())
            .setMessageCount(conversation.messageCount())
            .setCreateTime(ProtoTime.timestamp(conversation.createTime()))
            .setUpdateTime(ProtoTime.timestamp(conversation.updateTime()));
    if (conversation.externalId() != null) {
      proto.setExternalId(conversation.externalId());
    }
    if (conversation.externalUrl() != null) {
      proto.setExternalUrl(conversation.externalUrl());
    }
    if (conversation.title() != null) {
      proto.setTitle(conversation.title());
    }
    if (conversation.visibility() != null) {
      proto.setVisibility(
          switch (conversation.visibility()) {
            case PRIVATE -> dev.parley.conversation.v1.Visibility.VISIBILITY_PRIVATE;
            case PUBLIC -> dev.parley.conversation.v1.Visibility.VISIBILITY_PUBLIC;
          });
    }
    if (conversation.supportTicketConversationId() != null) {
      proto.setSupportTicketConversationId(conversation.supportTicketConversationId());
    }
    if (conversation.projectId() != null) {
      proto.setProjectId(conversation.projectId());
    }
    if (conversation.integrationId() != null) {
      proto.setIntegrationId(conversation.integrationId());
    }
    if (conversation.propertiesJson() != null) {
      proto.setProperties(ProtoJson.toStruct(conversation.propertiesJson()));
    }
    if (conversation.userPropertiesJson() != null) {
      proto.setUserProperties(ProtoJson.toStruct(conversation.userPropertiesJson()));
    }
    if (conversation.tags() != null) {
      proto.addAllTags(conversation.tags());
    }
    Handling handling = conversation.handling();
    if (handling.state() != null) {
      proto.setState(handling.state());
    }
    if (handling.assignee() != null) {
      proto.setAssignee(handling.assignee());
    }
    if (handling.categories() != null) {
      proto.addAllCategories(handling.categories());
    }
    if (handling.endUserId() != null || handling.endUserEmail() != null) {
      var endUser = EndUser.newBuilder();
      if (handling.endUserId() != null) {
        endUser.setId(handling.endUserId());
      }
      if (handling.endUserEmail() != null) {
        endUser.setEmail(handling.endUserEmail());
      }
      proto.setEndUser(endUser);
    }
    if (conversation.lastMessageTime() != null) {
      proto.setLastMessageTime(ProtoTime.timestamp(conversation.lastMessageTime()));
    }
    if (view != ConversationView.CONVERSATION_VIEW_BASIC) {
      for (Message message : conversation.messages()) {
        proto.addMessages(toProto(conversation.id(), message));
      }
    }
    return proto.build();
  }

  static dev.parley.conversation.v1.Message toProto(String conversationId, Message message) {
    var proto =
        dev.parley.conversation.v1.Message.newBuilder()
            .setId(message.id())
            .setConversationId(conversationId)
            .setRole(message.role())
            .setContent(ProtoJson.toValue(message.contentJson()))
            .setCreateTime(ProtoTime.timestamp(message.createTime()))
            .setUpdateTime(ProtoTime.timestamp(message.updateTime()));
    if (message.parentId() != null) {
      proto.setParentId(message.parentId());
    }
    if (message.name() != null) {
      proto.setName(message.name());
    }
    if (message.externalId() != null) {
      proto.setExternalId(message.externalId());
    }
    if (message.externalUrl() != null) {
      proto.setExternalUrl(message.externalUrl());
    }
    if (message.linksJson() != null) {
      proto.setLinks(ProtoJson.toListValue(message.linksJson()));
    }
    if (message.toolCallsJson() != null) {
      proto.setToolCalls(ProtoJson.toListValue(message.toolCallsJson()));
    }
    if (message.propertiesJson() != null) {
      proto.setProperties(ProtoJson.toStruct(message.propertiesJson()));
    }
    if (message.userPropertiesJson() != null) {
      proto.setUserProperties(ProtoJson.toStruct(message.userPropertiesJson()));
    }
    return proto.build();
  }

  /** A draft from a native conversation; empty strings are absent. */
  static ConversationDraft toDraft(
      String id, dev.parley.conversation.v1.Conversation proto, String origin) {
    return ConversationDraft.builder()
        .id(id)
        .externalId(emptyToNull(proto.getExternalId()))
        .externalUrl(emptyToNull(proto.getExternalUrl()))
        .kind(kind(proto.getKind()))
        .title(emptyToNull(proto.getTitle()))
        .origin(origin)
        .visibility(visibility(proto.getVisibility()))
        .supportTicketConversationId(emptyToNull(proto.getSupportTicketConversationId()))
        .projectId(emptyToNull(proto.getProjectId()))
        .integrationId(emptyToNull(proto.getIntegrationId()))
        .propertiesJson(proto.hasProperties() ? ProtoJson.toJson(proto.getProperties()) : null)
        .userPropertiesJson(
            proto.hasUserProperties() ? ProtoJson.toJson(proto.getUserProperties()) : null)
        .tags(proto.getTagsCount() == 0 ? null : List.copyOf(proto.getTagsList()))
        .handling(handling(proto))
        .createTime(proto.hasCreateTime() ? ProtoTime.instant(proto.getCreateTime()) : null)
        .updateTime(proto.hasUpdateTime() ? ProtoTime.instant(proto.getUpdateTime()) : null)
        .messages(proto.getMessagesList().stream().map(ConversationMessages::toDraft).toList())
        .build();
  }

  /** The handling fields a native conversation sets; empty strings are absent (kept). */
  static HandlingChange handling(dev.parley.conversation.v1.Conversation proto) {
    return HandlingChange.builder()
        .state(Edit.to(emptyToNull(proto.getState())))
        .assignee(Edit.to(emptyToNull(proto.getAssignee())))
        .categories(proto.getCategoriesCount() == 0 ? null : List.copyOf(proto.getCategoriesList()))
        .endUserId(Edit.to(emptyToNull(proto.getEndUser().getId())))
        .endUserEmail(Edit.to(emptyToNull(proto.getEndUser().getEmail())))
        .build();
  }

  static MessageDraft toDraft(dev.parley.conversation.v1.Message proto) {
    return MessageDraft.builder()
        .id(emptyToNull(proto.getId()))
        .parentId(emptyToNull(proto.getParentId()))
        .role(proto.getRole())
        .contentJson(proto.hasContent() ? ProtoJson.toJson(proto.getContent()) : null)
        .name(emptyToNull(proto.getName()))
        .externalId(emptyToNull(proto.getExternalId()))
        .externalUrl(emptyToNull(proto.getExternalUrl()))
        .linksJson(proto.hasLinks() ? ProtoJson.toJson(proto.getLinks()) : null)
        .toolCallsJson(proto.hasToolCalls() ? ProtoJson.toJson(proto.getToolCalls()) : null)
        .propertiesJson(proto.hasProperties() ? ProtoJson.toJson(proto.getProperties()) : null)
        .userPropertiesJson(
            proto.hasUserProperties() ? ProtoJson.toJson(proto.getUserProperties()) : null)
        .createTime(proto.hasCreateTime() ? ProtoTime.instant(proto.getCreateTime()) : null)
        .updateTime(proto.hasUpdateTime() ? ProtoTime.instant(proto.getUpdateTime()) : null)
        .build();
  }

  static ConversationKind kind(dev.parley.conversation.v1.ConversationKind kind) {
    return switch (kind) {
      case CONVERSATION_KIND_CHAT -> ConversationKind.CHAT;
      case CONVERSATION_KIND_SUPPORT_TICKET -> ConversationKind.SUPPORT_TICKET;
      case CONVERSATION_KIND_SUPPORT_COPILOT -> ConversationKind.SUPPORT_COPILOT;
      case CONVERSATION_KIND_UNSPECIFIED, UNRECOGNIZED ->
          throw ParleyException.invalidArgument(
              "conversation.kind", "is required: CHAT, SUPPORT_TICKET or SUPPORT_COPILOT");
    };
  }

  static dev.parley.conversation.v1.ConversationKind kind(ConversationKind kind) {
    return switch (kind) {
      case CHAT -> dev.parley.conversation.v1.ConversationKind.CONVERSATION_KIND_CHAT;
      case SUPPORT_TICKET ->
          dev.parley.conversation.v1.ConversationKind.CONVERSATION_KIND_SUPPORT_TICKET;
      case SUPPORT_COPILOT ->
          dev.parley.conversation.v1.ConversationKind.CONVERSATION_KIND_SUPPORT_COPILOT;
    };
  }

  static Visibility visibility(dev.parley.conversation.v1.Visibility visibility) {
    return switch (visibility) {
      case VISIBILITY_UNSPECIFIED -> null;
      case VISIBILITY_PRIVATE -> Visibility.PRIVATE;
      case VISIBILITY_PUBLIC -> Visibility.PUBLIC;
      case UNRECOGNIZED ->
          throw ParleyException.invalidArgument("conversation.visibility", "unknown value");
    };
  }

  static String emptyToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
