package local.registry;

import java.net.InetSocketAddress;
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
 * <p>Durability: a write is acknowledged once it is committed and the file synced (fsync), commits
 * grouped across the clients waiting (Durability); a SIGKILL or a power cut loses nothing that was
 * acknowledged, and a commit never holds half a command (test/infra/registry-durability.test.ts
 * plays both crashes). It costs a write one fsync: 1 to 5 ms on the shared 2-core machine of
 * docs/performance.md, 2 to 4 times a write of the timed commits before it (which a SIGKILL could
 * take back, up to a second of them); look-ups cost what they did.
 *
 * <p>Exit status: 1 when it cannot start (an argument, a port in use, the file locked by another
 * server, a file in another storage format: StorageFormat refuses it before anything is written);
 * SIGTERM or SIGINT (how the stack stops its servers) lets the commands under way finish and closes
 * the store, then the JVM exits with 143 or 130; 70 when a commit or a sync failed (Durability).
 */
public final class RegistryServer {
    private static final String FILE = "registry.mv.db";
    /**
     * The MVStore's page cache, in the heap (the launcher's -Xmx160m). A miss costs a page's BSON
     * decoding, cheap: at 200 000 accounts look-ups stayed as fast as at 1 000 with 32 MiB.
     */
    private static final int CACHE_MIB = 32;
    /**
     * Netty's threads, each serving its share of the connections. A command holds its thread until
     * its commit is synced (Durability), and the commands that end together share one: Netty's
     * default, 2 a core, made groups of at most 4 on 2 cores, and made each connection wait for
     * the others on its thread. With 16, 12 busy clients got 1.4 to 2 times as many commands through.
     */
    private static final int EVENT_LOOPS = 16;

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
            StorageFormat.check(file);
            // MVStore locks the file: a second server on the same folder fails at start (already in
            // StorageFormat's read-only look), not later.
            MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .cacheSize(CACHE_MIB)
                // Every commit is Durability's, at a command's end: none on a timer (autoCommitDisabled)
                // nor when enough is unsaved (a buffer of 0), which would happen mid-command. So what
                // one command changes stays in the heap until its end: the product's largest, a bulk
                // insert (the driver sends at most 1 000 documents a command), holds a few MiB. One
                // updateMany over every document of a large registry could exhaust the heap instead
                // (the product sends none).
                .autoCommitDisabled()
                .autoCommitBufferSize(0)
                .open();
            // A dead chunk's space is reused at once rather than after 45 s, the default, which allows
            // for writes that have not reached the disk yet: here each commit is synced before the
            // next (Durability). Without it, a commit per command grew the file by every commit's
            // chunk: 55 MB after 4 000 inserts, against 0.7 MB with the timed commits and 1.5 MB now.
            store.setRetentionTime(0);
            StorageFormat.mark(store);
            store.commit();
            store.sync();
            server = new MongoServer(new CompactH2Backend(store).version(DECLARED));
            server.bind(new InetSocketAddress(host, port), 1, EVENT_LOOPS);
            System.err.println("registry-server: listening on " + host + ":" + port + ", data in " + file);
        } catch (StorageFormat.Refused e) {
            fail(e.getMessage());
            return;
        } catch (Exception e) {
            fail(e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        MongoServer running = server;
        // Stops listening, closes the clients, waits for the commands under way (and their commits),
        // then closes the backend, which closes (and so commits) the MVStore.
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
