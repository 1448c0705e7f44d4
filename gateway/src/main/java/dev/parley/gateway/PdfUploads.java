package dev.parley.gateway;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PDF posted as itself to {@code POST /parley/v1/knowledge-documents} (Content-Type:
 * application/pdf) becomes the JSON request the transcoder reads: {@code {"title", "sourceLink",
 * "pdf": <base64>}}, the title from {@code ?title=} or else the Content-Disposition filename, the
 * link from {@code ?sourceLink=}. Envoy's Lua filter does the same. A PDF is at most three quarters
 * of the request limit, so that its base64 fits the transcoder's limit as in Envoy; larger is 413.
 */
final class PdfUploads implements DecoratingHttpServiceFunction {
  static final String PATH = "/parley/v1/knowledge-documents";
  private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]+)\"");

  private final int maxPdfBytes;

  PdfUploads(int maxRequestBytes) {
    this.maxPdfBytes = maxRequestBytes / 4 * 3;
  }

  @Override
  public HttpResponse serve(
      HttpService delegate, ServiceRequestContext context, HttpRequest request) throws Exception {
    MediaType type = request.contentType();
    if (request.method() != HttpMethod.POST
        || !context.path().equals(PATH)
        || type == null
        || !type.is(MediaType.PDF)) {
      return delegate.serve(context, request);
    }
    return HttpResponse.of(
        request
            .aggregate()
            .thenApply(
                upload -> {
                  if (upload.content().length() > maxPdfBytes) {
                    return DialectResponses.failure(
                        context,
                        HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                        Status.Code.INVALID_ARGUMENT,
                        "A PDF upload is at most " + maxPdfBytes + " bytes");
                  }
                  HttpRequest json = asJson(context, upload);
                  context.updateRequest(json);
                  try {
                    return delegate.serve(context, json);
                  } catch (Exception e) {
                    return HttpResponse.ofFailure(e);
                  }
                }));
  }

  private static HttpRequest asJson(ServiceRequestContext context, AggregatedHttpRequest upload) {
    QueryParams query = QueryParams.fromQueryString(context.query());
    String title = query.get("title");
    if (title == null) {
      String disposition = upload.headers().get(HttpHeaderNames.CONTENT_DISPOSITION);
      Matcher filename = FILENAME.matcher(disposition == null ? "" : disposition);
      title = filename.find() ? filename.group(1) : null;
    }
    Map<String, String> body = new LinkedHashMap<>();
    if (title != null) {
      body.put("title", title);
    }
    String sourceLink = query.get("sourceLink");
    if (sourceLink != null) {
      body.put("sourceLink", sourceLink);
    }
    body.put("pdf", Base64.getEncoder().encodeToString(upload.content().array()));
    return HttpRequest.of(
        upload.headers().toBuilder()
            .contentType(MediaType.JSON_UTF_8)
            .removeAndThen(HttpHeaderNames.CONTENT_LENGTH)
            .build(),
        HttpData.ofUtf8(Json.write(body)));
  }
}
