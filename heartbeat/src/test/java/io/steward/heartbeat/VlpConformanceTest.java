package io.steward.heartbeat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every crc32c and frame vector of the conformance file, exactly. The secure vectors (AEAD-sealed
 * frames and HKDF key derivation) specify the encrypted transport, which steward does not
 * implement; only what they share with the plain codec is checked: each sealed plaintext is itself
 * a valid VLP frame.
 */
class VlpConformanceTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Map<String, Object> DOC = VlpVectors.load();

    @Test
    void fileIsTheV02Suite() {
        assertEquals("0.2", DOC.get("spec_version"));
        assertEquals("5641", DOC.get("magic_hex"));
        assertEquals(2L, DOC.get("version_byte"));
        assertEquals(Frame.TERMINAL_NONCE, Long.parseUnsignedLong((String) DOC.get("nonce_terminal_hex"), 16));
        assertEquals(5, VlpVectors.list(DOC, "crc32c_vectors").size());
        assertEquals(15, VlpVectors.list(DOC, "frame_vectors").size());
    }

    @TestFactory
    Stream<DynamicTest> crc32cVectors() {
        return VlpVectors.list(DOC, "crc32c_vectors").stream().map(v -> DynamicTest.dynamicTest((String) v.get("id"), () -> {
            byte[] input = HEX.parseHex((String) v.get("input_hex"));
            int expected = (int) Long.parseLong((String) v.get("expected_crc_hex"), 16);
            assertEquals(expected, VlpCodec.crc32c(input, 0, input.length));
        }));
    }

    @TestFactory
    Stream<DynamicTest> frameVectors() {
        return VlpVectors.list(DOC, "frame_vectors").stream().map(v -> DynamicTest.dynamicTest((String) v.get("id"), () -> {
            switch ((String) v.get("kind")) {
                case "encode_decode_roundtrip" -> roundtrip(v);
                case "decode_error" -> decodeError(v);
                default -> throw new AssertionError("unknown vector kind " + v.get("kind") + ": the suite grew");
            }
        }));
    }

    private static void roundtrip(Map<String, Object> v) {
        @SuppressWarnings("unchecked")
        Map<String, Object> in = (Map<String, Object>) v.get("inputs");
        Frame frame = new Frame(
                Frame.Status.valueOf(((String) in.get("status")).toUpperCase(Locale.ROOT)),
                (int) VlpVectors.unsigned(in, "pid"),
                VlpVectors.unsigned(in, "timestamp"),
                VlpVectors.unsigned(in, "nonce"),
                (int) VlpVectors.unsigned(in, "payload"));
        byte[] wire = HEX.parseHex((String) v.get("expected_wire_hex"));
        assertEquals(null, v.get("expected_decode_error"));
        assertArrayEquals(wire, VlpCodec.encode(frame), "encode");
        byte[] encoded = new byte[VlpCodec.FRAME_BYTES + 3];
        new VlpEncoder().encode(frame.status(), frame.pid(), frame.timestamp(), frame.nonce(), frame.payload(),
                encoded, 3);
        assertArrayEquals(wire, Arrays.copyOfRange(encoded, 3, encoded.length), "VlpEncoder");
        assertEquals(frame, VlpCodec.decode(wire), "decode");
    }

    private static void decodeError(Map<String, Object> v) {
        VlpError expected = VlpError.fromWire((String) v.get("expected_decode_error"));
        assertNotNull(expected, "unknown error kind " + v.get("expected_decode_error"));
        byte[] wire = HEX.parseHex((String) v.get("wire_hex"));
        assertEquals(expected, assertThrows(VlpException.class, () -> VlpCodec.decode(wire)).error());
        MutableFrame beat = new MutableFrame();
        assertEquals(false, new VlpDecoder().decode(wire, 0, wire.length, beat));
        assertEquals(expected, beat.error());
    }

    @Test
    void secureVectorsSealPlainFrames() {
        List<String> kinds = new ArrayList<>();
        for (Map<String, Object> v : VlpVectors.list(DOC, "secure_frame_vectors")) {
            kinds.add((String) v.get("kind"));
            if (v.get("plaintext_hex") instanceof String hex) {
                Frame f = VlpCodec.decode(HEX.parseHex(hex));
                assertArrayEquals(HEX.parseHex(hex), VlpCodec.encode(f));
            }
        }
        assertEquals(List.of("shared_key_seal", "master_key_seal", "kdf_agent_key", "kdf_iv_prefix", "kdf_epoch_key"), kinds,
                "the secure vectors changed: decide again whether they apply");
    }

    @Test
    void everyErrorKindOfTheSuiteIsOurs() {
        for (VlpError e : VlpError.values()) {
            assertEquals(e, VlpError.fromWire(e.wire()));
        }
        assertEquals(null, VlpError.fromWire("Nope"));
    }
}
