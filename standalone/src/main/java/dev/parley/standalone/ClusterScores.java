package dev.parley.standalone;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Agreement of a clustering with true labels: normalized mutual information (arithmetic-mean
 * normalization, as scikit-learn's default) and the adjusted Rand index (Hubert and Arabie).
 */
final class ClusterScores {
  private ClusterScores() {}

  static double nmi(List<String> truth, List<String> found) {
    Table table = Table.of(truth, found);
    double n = truth.size();
    double mutual = 0;
    for (Map.Entry<String, Map<String, Integer>> row : table.cells().entrySet()) {
      for (Map.Entry<String, Integer> cell : row.getValue().entrySet()) {
        double joint = cell.getValue() / n;
        double a = table.rows().get(row.getKey()) / n;
        double b = table.columns().get(cell.getKey()) / n;
        mutual += joint * Math.log(joint / (a * b));
      }
    }
    double entropy = (entropy(table.rows(), n) + entropy(table.columns(), n)) / 2;
    return entropy == 0 ? 1 : mutual / entropy;
  }

  static double ari(List<String> truth, List<String> found) {
    Table table = Table.of(truth, found);
    double pairs = 0;
    for (Map<String, Integer> row : table.cells().values()) {
      for (int count : row.values()) {
        pairs += choose2(count);
      }
    }
    double rowPairs = table.rows().values().stream().mapToDouble(ClusterScores::choose2).sum();
    double columnPairs =
        table.columns().values().stream().mapToDouble(ClusterScores::choose2).sum();
    double expected = rowPairs * columnPairs / choose2(truth.size());
    double maximum = (rowPairs + columnPairs) / 2;
    return maximum == expected ? 1 : (pairs - expected) / (maximum - expected);
  }

  private static double choose2(int count) {
    return count * (count - 1) / 2.0;
  }

  private static double entropy(Map<String, Integer> counts, double n) {
    double entropy = 0;
    for (int count : counts.values()) {
      double p = count / n;
      entropy -= p * Math.log(p);
    }
    return entropy;
  }

  /** The contingency table: counts per (label, cluster), per label and per cluster. */
  private record Table(
      Map<String, Map<String, Integer>> cells,
      Map<String, Integer> rows,
      Map<String, Integer> columns) {
    static Table of(List<String> truth, List<String> found) {
      if (truth.size() != found.size()) {
        throw new IllegalArgumentException("labels and clusters differ in number");
      }
      Table table = new Table(new HashMap<>(), new HashMap<>(), new HashMap<>());
      for (int i = 0; i < truth.size(); i++) {
        table
            .cells()
            .computeIfAbsent(truth.get(i), k -> new HashMap<>())
            .merge(found.get(i), 1, Integer::sum);
        table.rows().merge(truth.get(i), 1, Integer::sum);
        table.columns().merge(found.get(i), 1, Integer::sum);
      }
      return table;
    }
  }
}
