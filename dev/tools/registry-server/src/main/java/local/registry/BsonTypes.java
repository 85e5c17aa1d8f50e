package local.registry;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * How the registry's documents, _id values and index keys are stored in the MVStore: as BSON, with
 * mongo-java-server's own encoder and decoder.
 *
 * <p>Why not H2's default (its ObjectDataType): that one stores every object of a class it does not
 * know (a Document, an index's KeyValue) by Java serialization, class descriptors included, and
 * compares two index keys by serializing both. At 200 000 accounts the file then held 8 KB per
 * account, a look-up that missed the page cache decoded dozens of documents by Java
 * deserialization, and every index probe serialized a key per step of its binary search: look-ups
 * grew 2.6 times from 1 000 accounts. In BSON a document takes what it takes on the wire, and keys
 * of the same class (the registry's are strings and ObjectIds) compare without encoding.
 */
final class BsonTypes {
    private BsonTypes() {}

    /** Stands for mongo-java-server's Missing (an absent value), which BSON has no type for. */
    private static final byte MISSING = 0;

    /** Documents: the values of a collection's map. */
    static final BasicDataType<Document> DOCUMENT = new BasicDataType<>() {
        @Override
        public int getMemory(Document document) {
            return estimate(document);
        }

        @Override
        public void write(WriteBuffer buff, Document document) {
            ByteBuf buf = Unpooled.buffer(256);
            BsonEncoder.encodeDocument(document, buf);
            putBytes(buff, buf);
        }

        @Override
        public Document read(ByteBuffer buff) {
            return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(takeBytes(buff)));
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }
    };

    /** One value: a document's position (its _id) as a map key, or an index's entry. */
    static final BasicDataType<Object> VALUE = new BasicDataType<>() {
        @Override
        public int getMemory(Object value) {
            return estimate(value);
        }

        @Override
        public void write(WriteBuffer buff, Object value) {
            putBytes(buff, encodeValue(value));
        }

        @Override
        public Object read(ByteBuffer buff) {
            return readValue(Unpooled.wrappedBuffer(takeBytes(buff)));
        }

        @Override
        public int compare(Object a, Object b) {
            return compareValues(a, b);
        }

        @Override
        public Object[] createStorage(int size) {
            return new Object[size];
        }
    };

    /** A unique index's key: its values, in the index's order. */
    static final BasicDataType<KeyValue> KEY = new BasicDataType<>() {
        @Override
        public int getMemory(KeyValue key) {
            int memory = 48;
            for (Object value : key) memory += estimate(value);
            return memory;
        }

        @Override
        public void write(WriteBuffer buff, KeyValue key) {
            ByteBuf buf = Unpooled.buffer(64);
            buf.writeByte(key.size());
            for (Object value : key) writeValue(value, buf);
            putBytes(buff, buf);
        }

        @Override
        public KeyValue read(ByteBuffer buff) {
            ByteBuf buf = Unpooled.wrappedBuffer(takeBytes(buff));
            Object[] values = new Object[buf.readUnsignedByte()];
            for (int i = 0; i < values.length; i++) values[i] = readValue(buf);
            return new KeyValue(Arrays.asList(values));
        }

        @Override
        public int compare(KeyValue a, KeyValue b) {
            int bySize = Integer.compare(a.size(), b.size());
            if (bySize != 0) return bySize;
            for (int i = 0; i < a.size(); i++) {
                int byValue = compareValues(a.get(i), b.get(i));
                if (byValue != 0) return byValue;
            }
            return 0;
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }
    };

    /**
     * A total order that agrees with equals, as H2's did (the indexes only look keys up, so any such
     * order will do): by BSON type, then class, then within a class by its own order when it has one
     * (String, Double, Long, Integer, ObjectId, Instant, Boolean...), else by the BSON bytes.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compareValues(Object a, Object b) {
        if (a == b) return 0;
        int byType = Byte.compare(typeOf(a), typeOf(b));
        if (byType != 0) return byType;
        if (a == null) return 0; // both null: the same type, no payload
        if (a.getClass() != b.getClass()) return a.getClass().getName().compareTo(b.getClass().getName());
        if (a instanceof Comparable comparable && !(a instanceof Collection) && !(a instanceof Map)) return comparable.compareTo(b);
        if (a.equals(b)) return 0;
        return encodeValue(a).compareTo(encodeValue(b)); // unsigned bytes, then length
    }

    private static byte typeOf(Object value) {
        return value instanceof Missing ? MISSING : BsonEncoder.determineType(value);
    }

    private static ByteBuf encodeValue(Object value) {
        ByteBuf buf = Unpooled.buffer(32);
        writeValue(value, buf);
        return buf;
    }

    private static void writeValue(Object value, ByteBuf buf) {
        byte type = typeOf(value);
        buf.writeByte(type);
        if (type != MISSING) BsonEncoder.encodeValue(type, value, buf);
    }

    private static Object readValue(ByteBuf buf) {
        byte type = buf.readByte();
        return type == MISSING ? Missing.getInstance() : BsonDecoder.decodeValue(type, buf);
    }

    private static void putBytes(WriteBuffer buff, ByteBuf buf) {
        int length = buf.readableBytes();
        buff.putVarInt(length).put(buf.array(), buf.arrayOffset() + buf.readerIndex(), length);
    }

    private static byte[] takeBytes(ByteBuffer buff) {
        byte[] bytes = new byte[DataUtils.readVarInt(buff)];
        buff.get(bytes);
        return bytes;
    }

    /**
     * A rough size in memory, for the MVStore's page cache (bounded in MiB: too low an estimate
     * would let it hold more than the heap allows). Cheap: nothing is encoded.
     */
    private static int estimate(Object value) {
        if (value == null || value instanceof Missing || value instanceof Boolean) return 16;
        if (value instanceof String s) return 48 + 2 * s.length();
        if (value instanceof Map<?, ?> map) {
            int memory = 64;
            for (Map.Entry<?, ?> entry : map.entrySet()) memory += 48 + estimate(entry.getKey()) + estimate(entry.getValue());
            return memory;
        }
        if (value instanceof List<?> list) {
            int memory = 48;
            for (Object item : list) memory += 8 + estimate(item);
            return memory;
        }
        return 32;
    }
}
