package local.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;

/**
 * The embedded registry server: mongo-java-server (MongoDB wire protocol) on its H2 backend, whose
 * documents and unique indexes (the _id one included) are maps of one MVStore file, stored as BSON
 * (CompactH2Backend). A look-up by _id, or on a unique index, reads that index: its cost does not
 * grow with the registry's size.
 *
 * <p>Usage: {@code registry-server --port 27017 --data-dir .data/registry [--host 127.0.0.1]}
 *
 * <p>Why a main class of ours rather than mongo-java-server's own {@code H2MongoServer}: that one
 * listens on localhost:27017 only, and reports wire version 8 (its newest {@code ServerVersion},
 * "5.0"), which the MongoDB Node driver 7 refuses (it needs 9, MongoDB 4.4, or more); here the
 * backend declares MongoDB 4.4 through mongo-java-server's own {@code MongoBackend.version(...)}.
 *
 * <p>Durability: the MVStore commits what was written at most a second before (its auto-commit);
 * SIGTERM or SIGINT (how the stack stops its servers) closes the store, writing everything. A
 * SIGKILL may lose the last second of writes, never the file's consistency (MVStore reopens at its
 * last commit).
 */
public final class RegistryServer {
    private static final String FILE = "registry.mv.db";
    /**
     * The MVStore's page cache, in the heap (the launcher's -Xmx160m). A miss costs a page's BSON
     * decoding, cheap: at 200 000 accounts look-ups stayed as fast as at 1 000 with 32 MiB.
     */
    private static final int CACHE_MIB = 32;
    /**
     * Changes written at most every 4 MiB (and every second): fewer, fuller chunks during a bulk
     * load, so less of the file left to compaction (594 MB instead of 1 GB after 200 000 accounts).
     */
    private static final int WRITE_BUFFER_KIB = 4096;

    /**
     * The oldest version the Node driver accepts: it then sends nothing newer than MongoDB 4.4's
     * commands, the closest to what mongo-java-server implements.
     */
    private static final MongoVersion DECLARED = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    private RegistryServer() {}

    public static void main(String[] args) {
        String host = "127.0.0.1";
        Integer port = null;
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) fail("missing value after " + arg);
            String value = args[++i];
            switch (arg) {
                case "--host" -> host = value;
                case "--port" -> port = Integer.valueOf(value);
                case "--data-dir" -> dataDir = Path.of(value).toAbsolutePath();
                default -> fail("unknown argument " + arg + " (usage: registry-server --port N --data-dir DIR [--host H])");
            }
        }
        if (port == null || dataDir == null) fail("--port and --data-dir are required");

        MongoServer server;
        try {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve(FILE);
            // MVStore locks the file: a second server on the same folder fails here, not later.
            MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .cacheSize(CACHE_MIB)
                .autoCommitBufferSize(WRITE_BUFFER_KIB)
                .open();
            server = new MongoServer(new CompactH2Backend(store).version(DECLARED));
            server.bind(host, port);
            System.err.println("registry-server: listening on " + host + ":" + port + ", data in " + file);
        } catch (Exception e) {
            fail(e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        MongoServer running = server;
        // Closes the clients, then the backend, which closes (and so commits) the MVStore.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.shutdownNow();
            System.err.println("registry-server: stopped");
        }, "registry-shutdown"));
    }

    private static void fail(String message) {
        System.err.println("registry-server: " + message);
        System.exit(1);
    }
}
