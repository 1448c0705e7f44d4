package dev.parley.platform.paging;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Pages are bounded by bytes as well as by count: a page ends early when its items would carry more
 * than {@link #BYTES}, and its cursor (or next offset) continues after the last item it holds. A
 * few conversations of a megabyte or two each would otherwise make a page of 50 larger than any
 * answer a service may send. Sizes are estimated from the domain records (the characters of their
 * strings, eight bytes for anything else), so one rule serves every list of every dialect.
 */
public final class PageBudget {
  /** What one page may carry, estimated. */
  public static final long BYTES = 4L * 1024 * 1024;

  private PageBudget() {}

  /** The first items that fit in the budget, and always the first item. */
  public static <T> List<T> fit(List<T> items) {
    long used = 0;
    for (int i = 0; i < items.size(); i++) {
      used += approximateBytes(items.get(i));
      if (used > BYTES && i > 0) {
        return items.subList(0, i);
      }
    }
    return items;
  }

  /** A page of a cursor-paged list and whether another page follows it. */
  public record Fitted<T>(List<T> items, boolean more) {}

  /**
   * The page of at most {@code limit} items that fit, from {@code fetched}: the store's items after
   * the cursor, one more than a page when another page follows. More follow when the page was full,
   * or when it ended early at its byte budget; the next page starts after its last item.
   */
  public static <T> Fitted<T> page(List<T> fetched, int limit) {
    List<T> page = fit(fetched.subList(0, Math.min(limit, fetched.size())));
    return new Fitted<>(page, !page.isEmpty() && page.size() < fetched.size());
  }

  /** An estimate of what a value takes in an answer: its strings' characters, 8 for the rest. */
  static long approximateBytes(Object value) {
    return switch (value) {
      case null -> 1;
      case CharSequence text -> text.length() + 2;
      case Collection<?> items -> {
        long sum = 2;
        for (Object item : items) {
          sum += approximateBytes(item);
        }
        yield sum;
      }
      case Map<?, ?> map -> {
        long sum = 2;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          sum += approximateBytes(entry.getKey()) + approximateBytes(entry.getValue());
        }
        yield sum;
      }
      case Record record -> {
        long sum = 2;
        for (Component component : COMPONENTS.get(record.getClass())) {
          sum += component.nameLength() + approximateBytes(component.read(record));
        }
        yield sum;
      }
      default -> 8;
    };
  }

  /** A record component's accessor, looked up once per record class. */
  private record Component(int nameLength, MethodHandle accessor) {
    Object read(Record record) {
      try {
        return accessor.invoke(record);
      } catch (Throwable e) {
        throw new IllegalStateException("Cannot read a component of " + record.getClass(), e);
      }
    }
  }

  /**
   * The components of each record class: reflection once per class, not per record (a page of
   * conversations has hundreds of message records).
   */
  private static final ClassValue<List<Component>> COMPONENTS =
      new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
          List<Component> components = new ArrayList<>();
          for (RecordComponent component : type.getRecordComponents()) {
            try {
              Method accessor = component.getAccessor();
              accessor.setAccessible(true);
              components.add(
                  new Component(
                      component.getName().length(),
                      MethodHandles.lookup()
                          .unreflect(accessor)
                          .asType(MethodType.methodType(Object.class, Record.class))));
            } catch (IllegalAccessException e) {
              throw new IllegalStateException("Cannot read " + component, e);
            }
          }
          return List.copyOf(components);
        }
      };
}
