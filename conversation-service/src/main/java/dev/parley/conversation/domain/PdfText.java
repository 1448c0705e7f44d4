package dev.parley.conversation.domain;

/** Reads the text of a PDF file. */
public interface PdfText {
  /** A PDF's text and page count. */
  record Extracted(String text, int pageCount) {}

  /**
   * The file's text, page by page.
   *
   * @throws dev.parley.platform.error.ParleyException INVALID_ARGUMENT when the bytes are not a PDF
   *     that can be read (damaged, encrypted)
   */
  Extracted extract(byte[] pdf);
}
