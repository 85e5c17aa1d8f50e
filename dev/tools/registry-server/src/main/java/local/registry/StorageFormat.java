package local.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.DataType;
import org.h2.mvstore.type.ObjectDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * Which encoding a data file's maps are in, recorded in the file, and checked before it is opened
 * for writing.
 *
 * <p>Why: an MVStore file does not say how its keys and values are encoded; each map is read with
 * the types it is opened with. A file written by the stock H2 backend (H2's ObjectDataType, Java
 * serialization: this launcher's first builds) read on BSON types fails on the first page it reads,
 * e.g. {@code unknown type: 0x17} (ObjectDataType's string tag 0x0b, read as a length, then the
 * string's length, 23, read as a BSON type). It did, in a chaos run whose registry was restarted
 * after the launcher had been rebuilt in between. Now the file carries its format in a map of its
 * own, and a file in another format (or none, and whose maps do not decode as BSON) is refused with
 * what it is, before anything is written to it.
 */
final class StorageFormat {
    /** No namespace's map: database names cannot start with '$', so no drop ever removes it. */
    private static final String MAP = "$registry.storage";
    private static final String KEY = "format";
    /** Documents, _id values and unique index keys as BSON (BsonTypes); meta maps as H2's objects. */
    static final String CURRENT = "bson-1";

    private static final String LEFT_AS_IT_IS = ". The file is left as it is: move it away to start on an empty registry.";

    private static final String DATA_PREFIX = "databases.";
    private static final String INDEX_INFIX = "._index_";

    private StorageFormat() {}

    /** Thrown when the file cannot be read by this launcher; the file was not modified. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * Reads the file's format, read-only (the file is left as it is whatever the outcome): its mark,
     * else (a file of the first BSON build, unmarked) whether every map decodes as BSON.
     */
    static void check(Path file) throws Refused, IOException {
        if (!Files.exists(file) || Files.size(file) == 0) return; // nothing in it yet (a read-only open would fail)
        String undecodable = null;
        String why = null;
        MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            if (store.hasMap(MAP)) {
                String format = store.openMap(MAP, markType()).get(KEY);
                if (CURRENT.equals(format)) return;
                throw new Refused(file + " is in storage format '" + format + "'; this launcher reads '" + CURRENT + "' only" + LEFT_AS_IT_IS);
            }
            for (String name : store.getMapNames()) {
                try {
                    if (name.startsWith(DATA_PREFIX)) probe(store, name, BsonTypes.VALUE, BsonTypes.DOCUMENT);
                    else if (name.contains(INDEX_INFIX)) probe(store, name, BsonTypes.KEY, BsonTypes.VALUE);
                } catch (RuntimeException | OutOfMemoryError e) { // a length read from foreign bytes may be huge
                    undecodable = name;
                    why = e.getMessage();
                    break;
                }
            }
        } finally {
            store.close();
        }
        if (undecodable == null) return;
        throw new Refused(file + " was not written with BSON storage: its map '" + undecodable + "' does not decode (" + why + ")"
            + (decodesAsObjects(file, undecodable) ? "; it decodes with H2's Java serialization (ObjectDataType), the stock H2"
                + " backend's storage, which this launcher's first builds used" : "")
            + LEFT_AS_IT_IS);
    }

    /** Reads a map's first and last entries (its root page and two leaves) with the given types. */
    private static <K, V> void probe(MVStore store, String name, DataType<K> keys, DataType<V> values) {
        MVMap<K, V> map = store.openMap(name, new MVMap.Builder<K, V>().keyType(keys).valueType(values));
        K first = map.firstKey();
        if (first != null) {
            map.get(first);
            map.get(map.lastKey());
        }
    }

    private static boolean decodesAsObjects(Path file, String name) {
        MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            MVMap<Object, Object> map = store.openMap(name, new MVMap.Builder<Object, Object>().keyType(new ObjectDataType()).valueType(new ObjectDataType()));
            Object first = map.firstKey();
            if (first != null) map.get(first);
            return true;
        } catch (RuntimeException e) {
            return false;
        } finally {
            store.close();
        }
    }

    /** Marks an open store as in the current format (in its next commit). */
    static void mark(MVStore store) {
        MVMap<String, String> map = store.openMap(MAP, markType());
        if (!CURRENT.equals(map.get(KEY))) map.put(KEY, CURRENT);
    }

    private static MVMap.Builder<String, String> markType() {
        return new MVMap.Builder<String, String>().keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE);
    }
}
