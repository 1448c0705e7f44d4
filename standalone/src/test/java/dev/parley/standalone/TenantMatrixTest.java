package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.standalone.RestRoutes.Route;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every REST route of every dialect, generated from the contracts, called with tenant B's key on
 * tenant A's ids and paths: each answers like a missing resource (404, or 403 where the path names
 * A's project or organization), no answer carries anything of A's, and A's data is unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantMatrixTest {
  private TestingParley parley;
  private TenantFixture owner;
  private TenantFixture intruder;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    owner = TenantFixture.create(parley, "matrix-owner");
    intruder = TenantFixture.create(parley, "matrix-intruder");
  }

  @Test
  void anotherTenantsKeyFindsNothingOfTheOwnerOnAnyRoute() {
    String before = owner.fingerprint();
    List<String> failures = new ArrayList<>();
    List<Route> routes = RestRoutes.dialectRoutes();
    int addressed = 0;
    for (Route route : routes) {
      String path = route.path(owner::pathValue);
      String body = route.bodyType() == null ? null : "{}";
      TestingParley.Response response =
          parley.send(route.httpMethod(), path, intruder.key, body, "API-KEY", intruder.key);
      String what = route + " as " + path + " -> " + response.status();
      if (response.body() != null && response.body().contains(owner.marker)) {
        failures.add(what + ": the answer holds the owner's data");
      }
      if (response.status() >= 500 && response.status() != 501) {
        failures.add(what + ": " + response.body());
      }
      if (!route.variables().isEmpty()) {
        addressed++;
        // Exactly the answer for ids that never existed: nothing tells that A's exist.
        String missingPath = route.path(name -> "missing-" + name.replaceAll("[^A-Za-z0-9_]", "-"));
        TestingParley.Response missing =
            parley.send(
                route.httpMethod(), missingPath, intruder.key, body, "API-KEY", intruder.key);
        if (response.status() != missing.status()
            || !anonymous(response.body(), path).equals(anonymous(missing.body(), missingPath))) {
          failures.add(
              what
                  + ": answered unlike a missing resource ("
                  + missing.status()
                  + " "
                  + missing.body()
                  + "): "
                  + response.body());
        } else if (response.status() < 400) {
          failures.add(what + ": succeeded on another tenant's resource");
        } else {
          String problem =
              DialectShapes.errorShapeProblem(
                  path, response.status(), response.header("content-type"), response.body());
          if (problem != null) {
            failures.add(what + ": " + problem);
          }
        }
      }
    }
    assertThat(addressed).isGreaterThan(30);
    assertThat(failures).isEmpty();
    assertThat(owner.fingerprint()).isEqualTo(before);
    // The owner still reads its own conversation.
    assertThat(
            parley
                .send("GET", "/inkeep/conversations/" + owner.conversationId, owner.key, null)
                .body())
        .contains(owner.marker);
  }

  /** An answer with its request id and every path segment taken out, to compare two answers. */
  private static String anonymous(String body, String path) {
    String result = body.replaceAll("req_[0-9a-f]{32}", "REQUEST");
    // Longest first: a segment may hold a shorter one ("missing-orgs-organization_id").
    List<String> segments =
        java.util.Arrays.stream(path.split("[/?]"))
            .filter(segment -> segment.length() > 3)
            .sorted(java.util.Comparator.comparingInt(String::length).reversed())
            .toList();
    for (String segment : segments) {
      result = result.replace(segment, "SEGMENT");
    }
    return result;
  }
}
