package io.skein.security.acl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACL bindings of one metadata image, indexed for the authorizer: per resource type, LITERAL
 * entries by exact name (the wildcard {@code *} is one more name) and PREFIXED entries by prefix.
 * A lookup costs one hash probe for the name, one for {@code *}, and one per distinct prefix length
 * present for that resource type (never a scan of all bindings).
 *
 * <p>Threading: immutable once built, shared freely.
 */
public final class AclIndex {

    /** The index of no bindings. */
    public static final AclIndex EMPTY = new AclIndex(List.of());

    private final Map<ResourceType, Map<String, List<AccessControlEntry>>> literal = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, Map<String, List<AccessControlEntry>>> prefixed = new EnumMap<>(ResourceType.class);
    /** Distinct prefix lengths per resource type, ascending. */
    private final Map<ResourceType, int[]> prefixLengths = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, List<AclBinding>> byType = new EnumMap<>(ResourceType.class);
    private final int size;

    public AclIndex(Collection<AclBinding> bindings) {
        Map<ResourceType, TreeSet<Integer>> lengths = new EnumMap<>(ResourceType.class);
        int count = 0;
        for (AclBinding b : bindings) {
            ResourcePattern p = b.pattern();
            if (p.patternType() == PatternType.LITERAL) {
                literal.computeIfAbsent(p.resourceType(), t -> new HashMap<>())
                        .computeIfAbsent(p.name(), n -> new ArrayList<>()).add(b.entry());
            } else if (p.patternType() == PatternType.PREFIXED) {
                prefixed.computeIfAbsent(p.resourceType(), t -> new HashMap<>())
                        .computeIfAbsent(p.name(), n -> new ArrayList<>()).add(b.entry());
                lengths.computeIfAbsent(p.resourceType(), t -> new TreeSet<>()).add(p.name().length());
            } else {
                continue; // never stored (the controller refuses other pattern types)
            }
            byType.computeIfAbsent(p.resourceType(), t -> new ArrayList<>()).add(b);
            count++;
        }
        lengths.forEach((type, set) -> prefixLengths.put(type, set.stream().mapToInt(Integer::intValue).toArray()));
        this.size = count;
    }

    /** Number of usable bindings indexed. */
    public int size() {
        return size;
    }

    /**
     * Every entry whose pattern covers the resource: LITERAL with its name or {@code *}, and
     * PREFIXED with a prefix of its name.
     */
    public List<AccessControlEntry> entriesFor(ResourceType type, String name) {
        List<AccessControlEntry> out = new ArrayList<>();
        Map<String, List<AccessControlEntry>> lit = literal.get(type);
        if (lit != null) {
            out.addAll(lit.getOrDefault(name, List.of()));
            if (!ResourcePattern.WILDCARD_RESOURCE.equals(name)) {
                out.addAll(lit.getOrDefault(ResourcePattern.WILDCARD_RESOURCE, List.of()));
            }
        }
        Map<String, List<AccessControlEntry>> pre = prefixed.get(type);
        if (pre != null) {
            for (int length : prefixLengths.get(type)) {
                if (length > name.length()) {
                    break;
                }
                List<AccessControlEntry> found = pre.get(name.substring(0, length));
                if (found != null) {
                    out.addAll(found);
                }
            }
        }
        return out;
    }

    /** Every usable binding on resources of this type. */
    public List<AclBinding> bindingsOfType(ResourceType type) {
        return byType.getOrDefault(type, List.of());
    }
}
