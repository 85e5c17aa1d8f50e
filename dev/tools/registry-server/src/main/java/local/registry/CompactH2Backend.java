package local.registry;

import java.util.List;
import java.util.Map.Entry;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;

/**
 * mongo-java-server's H2 backend with its maps opened on BSON types (BsonTypes) instead of H2's
 * Java serialization, through the extension points the backend offers: the database it opens, and
 * the collection and unique index maps that database opens. Everything else (queries, updates,
 * cursors, dropping) is the backend's own, run through Durability: each request the wire handler
 * hands it (handleCommand, handleQuery) is answered once what it changed or read is synced.
 *
 * <p>The map names are the backend's (H2Database keeps its prefixes private): "databases." and
 * "meta." before a collection's namespace, "._index_" and the index name after it. Its drops open
 * the maps by those names, and H2 then hands them the maps opened here; H2Backend finds the
 * databases of an existing file by the "databases." prefix. A file of the stock backend (Java
 * serialization) cannot be read by this one, nor the reverse: .data/registry/ is this server's alone
 * (StorageFormat refuses another's file at start).
 */
final class CompactH2Backend extends H2Backend {
    private static final String DATABASES_PREFIX = "databases.";
    private static final String META_PREFIX = "meta.";

    private final Durability durability;

    CompactH2Backend(MVStore store) {
        super(store);
        durability = new Durability(store);
    }

    /** Every command, whether it came as OP_MSG (handleMessage hands it here) or as OP_QUERY on $cmd. */
    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return durability.command(() -> super.handleCommand(channel, database, command, query));
    }

    /** A legacy OP_QUERY find (the driver sends none; mongo-java-server still answers it). */
    @Override
    public QueryResult handleQuery(MongoQuery query) {
        return durability.command(() -> super.handleQuery(query));
    }

    /** Called by the server's shutdown once its event loops are done: no command runs any more. */
    @Override
    public void close() {
        durability.close(super::close);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new CompactDatabase(databaseName, getMvStore(), getCursorRegistry());
    }

    /**
     * Inner, not static: H2Database's constructor opens the existing collections and indexes through
     * the methods below, before any field of this class is set, and they reach the store through the
     * backend (an inner instance's outer one is set before its superclass's constructor runs).
     */
    private final class CompactDatabase extends H2Database {
        CompactDatabase(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
            super(databaseName, store, cursorRegistry);
        }

        private MVStore store() {
            return getMvStore();
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            String name = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
            MVMap<KeyValue, Object> map = store().openMap(name, new MVMap.Builder<KeyValue, Object>().keyType(BsonTypes.KEY).valueType(BsonTypes.VALUE));
            return new CompactUniqueIndex(map, indexName, keys, sparse);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> data = store().openMap(DATABASES_PREFIX + namespace,
                new MVMap.Builder<Object, Document>().keyType(BsonTypes.VALUE).valueType(BsonTypes.DOCUMENT));
            MVMap<String, Object> meta = store().openMap(META_PREFIX + namespace);
            return new H2Collection(this, collectionName, options, data, meta, cursorRegistry);
        }
    }

    /** A unique index whose map is the one opened on BSON types: the backend's own, on another map. */
    private static final class CompactUniqueIndex extends AbstractUniqueIndex<Object> {
        private final MVMap<KeyValue, Object> map;

        CompactUniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.map = map;
        }

        @Override
        protected Object removeDocument(KeyValue keyValue) {
            return map.remove(keyValue);
        }

        @Override
        protected boolean putKeyPosition(KeyValue keyValue, Object position) {
            return map.putIfAbsent(keyValue, Missing.ofNullable(position)) == null;
        }

        @Override
        protected Iterable<Entry<KeyValue, Object>> getIterable() {
            return map.entrySet();
        }

        @Override
        protected Object getPosition(KeyValue keyValue) {
            return map.get(keyValue);
        }

        @Override
        public long getCount() {
            return map.sizeAsLong();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public long getDataSize() {
            return getCount();
        }
    }
}
