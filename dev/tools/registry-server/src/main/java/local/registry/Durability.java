package local.registry;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;

/**
 * Every answer waits until what it acknowledges is on disk: after each command (a write, but a read
 * too, which may have seen another client's write), the MVStore is committed and its file synced
 * (fsync) unless nothing changed since the last sync. Commits are grouped: whoever finds the store
 * with unsynced changes commits and syncs for everyone waiting; the commands that end meanwhile wait
 * for the next commit, which one of them makes.
 *
 * <p>A commit never captures a command half done: commands run under the shared side of a lock, a
 * commit under the exclusive side (the sync then runs outside it, commands going on). Half done
 * matters because one insert is several maps (the documents, each unique index, the collection's
 * size): a commit in the middle of an insert, then a crash, would leave an index entry without its
 * document (a key refused for good) or the reverse. So this class makes every commit: the MVStore's
 * own (timed, or when enough is unsaved, at any moment) are off (RegistryServer opens it so), and
 * its housekeeping (rewriting chunks that are mostly dead, shrinking the file) runs here instead.
 *
 * <p>It also makes it safe to reuse a chunk's space as soon as it is dead (RegistryServer sets no
 * retention time): a commit is synced before the next one starts, and no command reads across a
 * commit (mongo-java-server's cursors hold their documents, not a map iterator).
 *
 * <p>No deadlock: a command leaves the shared side before it waits for its sync (a commit waits for
 * every command to leave it), and a command inside another (handleMessage's handleCommand) takes
 * nothing. Whoever commits holds no other lock meanwhile; only the file's shrinking holds `state`,
 * then waits for the exclusive side, which no holder of the shared side needs `state` to leave.
 *
 * <p>If a commit or a sync fails (disk full, I/O error), the process halts at once, the commands
 * waiting for it unanswered: nothing after the last sync was acknowledged, and the file reopens at
 * its last commit. Going on would answer from a store that may no longer reach the disk.
 */
final class Durability {
    /** Housekeeping: how often, and how much of the file each round may rewrite or move. */
    private static final long HOUSEKEEPING_MS = 1_000;
    private static final int REWRITE_BYTES = 1 << 20;
    /** Chunks less full than this (live data, %) are rewritten; a file less full is shrunk. */
    private static final int REWRITE_BELOW_FILL = 50;
    private static final int SHRINK_BELOW_FILL = 50;

    private final MVStore store;
    /** Shared by commands, exclusive for a commit (and the file's shrinking, which commits). */
    private final ReentrantReadWriteLock commands = new ReentrantReadWriteLock();

    private final ReentrantLock state = new ReentrantLock();
    private final Condition synced = state.newCondition();
    /** Under `state`: commits started, the last one whose sync completed, and one under way. */
    private long started;
    private long done;
    private boolean committing;

    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "registry-housekeeping");
        thread.setDaemon(true);
        return thread;
    });

    Durability(MVStore store) {
        this.store = store;
        housekeeping.scheduleWithFixedDelay(this::housekeep, HOUSEKEEPING_MS, HOUSEKEEPING_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs one command, then waits until everything it may have written or seen is synced: its answer
     * acknowledges nothing that a crash could take back. An exception (a duplicate key) waits too: it
     * says what is stored. A command inside another (handleMessage calls handleCommand) is part of it.
     */
    <T> T command(Supplier<T> command) {
        if (commands.getReadHoldCount() > 0) return command.get();
        commands.readLock().lock();
        try {
            return command.get();
        } finally {
            commands.readLock().unlock(); // before waiting: the commit needs every command out
            awaitSynced();
        }
    }

    /** Returns once every change made before the call is committed and synced. */
    private void awaitSynced() {
        state.lock();
        try {
            // A store that closed itself after an error (a panic, in another command maybe) holds
            // changes that no commit will save: nothing may be acknowledged any more.
            if (store.isClosed()) halt("the data file was closed after an error", store.getPanicException());
            // Unsaved changes: the next commit (one that starts after now) holds them. None, but a
            // commit under way: that one holds them (it started after they were made). Else: synced.
            long target = store.hasUnsavedChanges() ? started + 1 : committing ? started : done;
            while (done < target) {
                if (committing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                committing = true;
                long commit = ++started;
                state.unlock();
                try {
                    commitAndSync();
                } finally {
                    state.lock();
                }
                committing = false;
                done = commit;
                synced.signalAll();
            }
        } finally {
            state.unlock();
        }
    }

    private void commitAndSync() {
        try {
            commands.writeLock().lock();
            try {
                store.commit();
            } finally {
                commands.writeLock().unlock();
            }
            store.sync(); // also fails if the store has closed itself after an error (a panic)
        } catch (Throwable e) {
            halt("could not write the data file", e);
        }
    }

    /** What the MVStore's background thread would do, committed like a command's changes. */
    private void housekeep() {
        try {
            // Rewrites the live pages of mostly dead chunks (each commit leaves a small chunk) into
            // the current version, alongside the commands: committed below, like a write.
            store.compact(REWRITE_BELOW_FILL, REWRITE_BYTES);
            if (store.getFillRate() < SHRINK_BELOW_FILL && store.getFileStore() instanceof RandomAccessStore file) {
                // Moves chunks towards the start of the file, then truncates it. It commits, then
                // syncs, itself: so no command may be half done meanwhile (the write lock), and none
                // that ends meanwhile may find its changes committed but not yet synced (`state`).
                state.lock();
                try {
                    commands.writeLock().lock();
                    try {
                        file.compactMoveChunks(SHRINK_BELOW_FILL, 2L * REWRITE_BYTES, store);
                    } finally {
                        commands.writeLock().unlock();
                    }
                } finally {
                    state.unlock();
                }
            }
            awaitSynced();
        } catch (Throwable e) {
            halt("housekeeping failed", e);
        }
    }

    /**
     * On shutdown, once no command runs any more: lets the housekeeping round under way end (not
     * interrupted: an interrupt during a file write closes the file), then closes the store, which
     * commits the rest.
     */
    void close(Runnable closeStore) {
        housekeeping.shutdown();
        try {
            housekeeping.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commands.writeLock().lock();
        try {
            closeStore.run();
        } finally {
            commands.writeLock().unlock();
        }
    }

    private static void halt(String what, Throwable e) {
        System.err.println("registry-server: " + what + ", stopping at once (the file keeps every acknowledged write): " + e);
        if (e != null) e.printStackTrace();
        Runtime.getRuntime().halt(70);
    }
}
