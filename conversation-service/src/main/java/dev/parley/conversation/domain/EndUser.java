package dev.parley.conversation.domain;

import java.time.Instant;

/**
 * An end user as the tenant's conversations know them: the latest email and user properties given,
 * when their first conversation started and how many they have.
 */
public record EndUser(
    String id, String email, String propertiesJson, Instant firstSeen, int conversationCount) {}
