package dev.widgetedge.gateway.decide;

import dev.widgetedge.core.store.ChangeCursor;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The binary form of an existence filter shared through the store: its bits, its sizing, and the
 * change-log cursor it covers (every key created at or before that cursor is in the bits; see
 * {@link ExistenceFilter}). Big-endian:
 *
 * <pre>
 * magic "WEKF" (4 bytes) · format {@value #FORMAT} (2) · capacity (8) · probes (4) · ids added (8)
 * · cursor read at, store clock ms (8) · cursor position length n (2) · position, UTF-8 (n)
 * · word count w (4) · the bits, w words of 8 bytes · CRC-32C of everything before it (4)
 * </pre>
 *
 * <p>The format number stands for the layout and for how {@link KeyIdFilter} derives an id's bits:
 * a gateway that changes either writes a new number, and reads only its own, so a gateway never
 * trusts bits it would probe differently. Anything else that does not add up (length, counts, the
 * checksum) makes {@link #decode} refuse the snapshot with a reason.
 */
record FilterSnapshot(KeyIdFilter filter, ChangeCursor covered) {

    static final int FORMAT = 1;
    private static final int MAGIC = 0x5745_4B46;
    private static final int MAX_POSITION_BYTES = 256;
    private static final int FIXED_BYTES = 4 + 2 + 8 + 4 + 8 + 8 + 2 + 4 + 4;

    /**
     * The bytes of {@code filter} covering {@code covered}. Ids added meanwhile may or may not be
     * in them; every id added before the call is.
     */
    static byte[] encode(KeyIdFilter filter, ChangeCursor covered) {
        byte[] position = covered.position().getBytes(StandardCharsets.UTF_8);
        if (position.length > MAX_POSITION_BYTES) {
            throw new IllegalArgumentException("cursor position of " + position.length + " bytes (expected: at most "
                    + MAX_POSITION_BYTES + ")");
        }
        int words = filter.wordCount();
        ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + position.length + words * 8);
        out.putInt(MAGIC).putShort((short) FORMAT).putLong(filter.capacity()).putInt(filter.probes())
                .putLong(filter.approximateCount()).putLong(covered.readAtMillis())
                .putShort((short) position.length).put(position).putInt(words);
        for (int i = 0; i < words; i++) {
            out.putLong(filter.word(i));
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /**
     * The filter and cursor in {@code bytes}.
     *
     * @throws IllegalArgumentException naming what is wrong: not a snapshot, another format, a
     *         length or checksum that does not match
     */
    static FilterSnapshot decode(byte[] bytes) {
        if (bytes.length < FIXED_BYTES) {
            throw new IllegalArgumentException(bytes.length + " bytes, too short for a key filter snapshot");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a key filter snapshot (no WEKF header)");
        }
        int format = Short.toUnsignedInt(in.getShort());
        if (format != FORMAT) {
            throw new IllegalArgumentException("format " + format + " (this gateway reads format " + FORMAT + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            throw new IllegalArgumentException("checksum mismatch (truncated or altered)");
        }
        try {
            long capacity = in.getLong();
            int probes = in.getInt();
            long added = in.getLong();
            long readAtMillis = in.getLong();
            int positionLength = Short.toUnsignedInt(in.getShort());
            if (positionLength > MAX_POSITION_BYTES) {
                throw new IllegalArgumentException("cursor position of " + positionLength + " bytes");
            }
            byte[] position = new byte[positionLength];
            in.get(position);
            int wordCount = in.getInt();
            if (wordCount < 1 || (long) wordCount * 8 != in.remaining() - 4) {
                throw new IllegalArgumentException(wordCount + " words in " + (in.remaining() - 4) + " bytes of bits");
            }
            long[] words = new long[wordCount];
            in.asLongBuffer().get(words);
            return new FilterSnapshot(KeyIdFilter.restored(capacity, probes, words, added),
                    new ChangeCursor(new String(position, StandardCharsets.UTF_8), readAtMillis));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated header", e);
        }
    }
}
