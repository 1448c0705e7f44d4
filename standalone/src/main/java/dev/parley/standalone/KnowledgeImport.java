package dev.parley.standalone;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.parley.conversation.v1.CreateKnowledgeDocumentRequest;
import dev.parley.conversation.v1.KnowledgeDocument;
import dev.parley.conversation.v1.KnowledgeServiceGrpc;
import dev.parley.conversation.v1.KnowledgeServiceGrpc.KnowledgeServiceBlockingStub;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code parley knowledge add}: adds files, and the files of folders, to a tenant's knowledge
 * through conversation-service's KnowledgeService, as any client would, with a progress line per
 * file. Markdown, HTML and plain text are sent as they are; a PDF's text is extracted first
 * (PDFBox). Other files in folders are left out; a file named on the command line is read as plain
 * text.
 */
final class KnowledgeImport {
  private static final Map<String, String> TYPES =
      Map.of(
          "md", "text/markdown",
          "markdown", "text/markdown",
          "html", "text/html",
          "htm", "text/html",
          "txt", "text/plain",
          "pdf", "application/pdf");

  private final KnowledgeServiceBlockingStub knowledge;
  private final PrintStream out;

  KnowledgeImport(Channel channel, String apiKey, PrintStream out) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
    this.knowledge =
        KnowledgeServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    this.out = requireNonNull(out, "out is null");
  }

  /** Adds the files; the number that failed (each said on its line). */
  int add(List<Path> paths) {
    List<Path> files = files(paths);
    int failed = 0;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      String progress = "[%d/%d] %s".formatted(i + 1, files.size(), file);
      try {
        KnowledgeDocument added = knowledge.createKnowledgeDocument(request(file));
        out.println(progress + ": added as " + added.getId());
      } catch (StatusRuntimeException e) {
        failed++;
        out.println(progress + ": not added: " + e.getStatus().getDescription());
      } catch (IOException | UncheckedIOException e) {
        failed++;
        out.println(progress + ": not read: " + e.getMessage());
      }
    }
    out.println("Added " + (files.size() - failed) + " of " + files.size() + " files.");
    return failed;
  }

  private static CreateKnowledgeDocumentRequest request(Path file) throws IOException {
    String type = type(file);
    CreateKnowledgeDocumentRequest.Builder request =
        CreateKnowledgeDocumentRequest.newBuilder()
            .setTitle(file.getFileName().toString())
            .setSourceLink(file.toAbsolutePath().toUri().toString());
    if (type.equals("application/pdf")) {
      // conversation-service reads the text and keeps the file for previews.
      return request.setPdf(ByteString.copyFrom(Files.readAllBytes(file))).build();
    }
    return request
        .setContent(Files.readString(file, StandardCharsets.UTF_8))
        .setContentType(type)
        .build();
  }

  /** The files named, and the files of the folders named that have a known type, in order. */
  private static List<Path> files(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(Files::isRegularFile)
              .filter(file -> TYPES.containsKey(extension(file)))
              .sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read " + path, e);
        }
      } else {
        files.add(path);
      }
    }
    return files;
  }

  private static String type(Path file) {
    return TYPES.getOrDefault(extension(file), "text/plain");
  }

  private static String extension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
