package dev.parley.conversation.extraction;

import dev.parley.conversation.domain.PdfText;
import dev.parley.platform.error.ParleyException;
import java.io.IOException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/** PDF text by Apache PDFBox, in memory (uploads are at most a few megabytes). */
public final class PdfBoxText implements PdfText {
  @Override
  public Extracted extract(byte[] pdf) {
    try (PDDocument document = Loader.loadPDF(pdf)) {
      return new Extracted(new PDFTextStripper().getText(document), document.getNumberOfPages());
    } catch (IOException | RuntimeException e) {
      // Damaged, encrypted, or not a PDF at all: the caller's file, not the server.
      throw ParleyException.invalidArgument("pdf", "is not a PDF that can be read");
    }
  }
}
