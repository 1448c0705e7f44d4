package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.identity.SignedLinks;
import dev.parley.platform.paging.PageBudget;
import dev.parley.platform.paging.PageTokens;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** A tenant's knowledge documents: adding, reading, listing and deleting them. */
public final class Knowledge {
  /** The content types a text document may have; the first is the default. */
  public static final List<String> CONTENT_TYPES =
      List.of("text/plain", "text/markdown", "text/html");

  /** The content type of a document made from an uploaded PDF. */
  public static final String PDF = "application/pdf";

  static final int MAX_TITLE = 500;
  static final int MAX_SOURCE_LINK = 2048;
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 100;
  private static final String LIST = "knowledge-documents";

  /** How long a link to a document's file lives (Bedrock Chat's previews: 15 minutes). */
  public static final Duration FILE_LINK_LIFETIME = Duration.ofMinutes(15);

  private final KnowledgeStore store;
  private final PdfText pdfText;
  private final SignedLinks links;
  private final Clock clock;

  @Inject
  public Knowledge(KnowledgeStore store, PdfText pdfText, SignedLinks links, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.pdfText = requireNonNull(pdfText, "pdfText is null");
    this.links = requireNonNull(links, "links is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A signed link to a document's file: the parts a URL carries. */
  public record FileLink(String tenantId, String documentId, long expires, String signature) {}

  /** A page of documents and the token of the next page (null on the last). */
  public record Page(List<Document> documents, String nextToken) {}

  /** Adds a text document; {@code contentType} null or empty is text/plain. */
  public Document add(
      String tenantId, String title, String content, String contentType, String sourceLink) {
    checkTitle(title);
    if (content == null || content.isBlank()) {
      throw ParleyException.invalidArgument("content", "is required");
    }
    String type =
        contentType == null || contentType.isEmpty() ? CONTENT_TYPES.getFirst() : contentType;
    if (!CONTENT_TYPES.contains(type)) {
      throw ParleyException.invalidArgument(
          "contentType", "must be one of " + String.join(", ", CONTENT_TYPES));
    }
    return store(
        tenantId,
        title,
        content,
        type,
        sourceLink,
        content.getBytes(StandardCharsets.UTF_8).length,
        null,
        null);
  }

  /**
   * Adds an uploaded PDF: its text is what is searched and quoted, the file is kept for previews. A
   * PDF without text (a scan) is refused: there would be nothing to answer from.
   */
  public Document addPdf(String tenantId, String title, byte[] pdf, String sourceLink) {
    checkTitle(title);
    PdfText.Extracted extracted = pdfText.extract(pdf);
    if (extracted.text().isBlank()) {
      throw ParleyException.invalidArgument(
          "pdf", "has no text to read (a scanned PDF needs text recognition first)");
    }
    return store(
        tenantId, title, extracted.text(), PDF, sourceLink, pdf.length, extracted.pageCount(), pdf);
  }

  private Document store(
      String tenantId,
      String title,
      String content,
      String type,
      String sourceLink,
      long sizeBytes,
      Integer pageCount,
      byte[] original) {
    String link = sourceLink == null || sourceLink.isEmpty() ? null : sourceLink;
    if (link != null && link.length() > MAX_SOURCE_LINK) {
      throw ParleyException.invalidArgument(
          "sourceLink", "must be at most " + MAX_SOURCE_LINK + " characters");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return store.create(
        new Document(
            tenantId,
            "doc_" + UUID.randomUUID().toString().replace("-", ""),
            title.strip(),
            content,
            type,
            link,
            sizeBytes,
            pageCount,
            now,
            now),
        Passages.split(content, type),
        original);
  }

  private static void checkTitle(String title) {
    if (title == null || title.isBlank()) {
      throw ParleyException.invalidArgument("title", "is required");
    }
    if (title.length() > MAX_TITLE) {
      throw ParleyException.invalidArgument(
          "title", "must be at most " + MAX_TITLE + " characters");
    }
  }

  public Document get(String tenantId, String id) {
    return store.find(tenantId, id).orElseThrow(() -> notFound(id));
  }

  /** A link to the file the document was made from, valid {@link #FILE_LINK_LIFETIME}. */
  public FileLink fileLink(String tenantId, String id) {
    SignedLinks.Signature signature = links.sign(FILE_LINK_LIFETIME, tenantId, id);
    return new FileLink(tenantId, id, signature.expires(), signature.value());
  }

  /**
   * The file a signed link names: PERMISSION_DENIED when the link expired or was altered (before
   * anything is read), NOT_FOUND when the document is gone or was not made from a file.
   */
  public byte[] file(FileLink link) {
    if (!links.verify(link.expires(), link.signature(), link.tenantId(), link.documentId())) {
      throw new ParleyException(
          ErrorCode.PERMISSION_DENIED, "This link has expired or was altered");
    }
    return store
        .original(link.tenantId(), link.documentId())
        .orElseThrow(() -> notFound(link.documentId()));
  }

  /** Newest first, ties by id; {@code pageSize} 0 is the default. */
  public Page list(String tenantId, int pageSize, String token) {
    int limit = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw ParleyException.invalidArgument("page_size", "must be within 0.." + MAX_PAGE_SIZE);
    }
    Cursor after = token == null || token.isEmpty() ? null : decode(token);
    List<Document> found = store.list(tenantId, after, limit + 1);
    PageBudget.Fitted<Document> page = PageBudget.page(found, limit);
    if (!page.more()) {
      return new Page(page.items(), null);
    }
    Document last = page.items().getLast();
    return new Page(page.items(), encode(new Cursor(last.createTime(), last.id())));
  }

  public void delete(String tenantId, String id) {
    if (!store.delete(tenantId, id)) {
      throw notFound(id);
    }
  }

  private static String encode(Cursor cursor) {
    return PageTokens.encode(LIST, cursor.position());
  }

  private static Cursor decode(String token) {
    try {
      return Cursor.of(PageTokens.decode(token, LIST, 2));
    } catch (PageTokens.InvalidTokenException | NumberFormatException e) {
      throw ParleyException.invalidArgument("page_token", "is not a token from a previous page");
    }
  }

  private static ParleyException notFound(String id) {
    return ParleyException.notFound("Knowledge document " + id + " not found");
  }
}
