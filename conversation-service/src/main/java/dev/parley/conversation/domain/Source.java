package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

/**
 * A passage of the tenant's knowledge that a run retrieved, numbered as the answer cites it ([1],
 * [2], ...). {@code relevant} says whether it is close enough to the question to answer from: its
 * words matched, or its meaning is near.
 */
public record Source(
    int number,
    String documentId,
    String title,
    String sourceLink,
    String text,
    double score,
    boolean relevant) {
  public Source {
    requireNonNull(documentId, "documentId is null");
    requireNonNull(title, "title is null");
    requireNonNull(text, "text is null");
  }
}
