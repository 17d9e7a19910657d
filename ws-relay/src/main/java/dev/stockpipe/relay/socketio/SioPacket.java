package dev.stockpipe.relay.socketio;

/**
 * One Socket.IO v5 packet (the payload of an Engine.IO message packet, "4..."): {@code <type>[/<nsp>,][<ackId>][data]}.
 *
 * @param type '0' CONNECT, '1' DISCONNECT, '2' EVENT, '3' ACK, '4' CONNECT_ERROR, '5'/'6' binary event/ack
 * @param namespace "/" unless the packet names one
 * @param ackId the acknowledgement id the sender asks for, or -1
 * @param data the JSON text after the header, possibly empty
 */
public record SioPacket(char type, String namespace, long ackId, String data) {

    /** A packet that does not follow the Socket.IO format. */
    public static final class BadPacketException extends Exception {
        public BadPacketException(String message) {
            super(message);
        }
    }

    public static SioPacket parse(String s) throws BadPacketException {
        if (s.isEmpty()) {
            throw new BadPacketException("empty Socket.IO packet");
        }
        char type = s.charAt(0);
        if (type < '0' || type > '6') {
            throw new BadPacketException("unknown Socket.IO packet type '" + printable(type) + "'");
        }
        if (type == '5' || type == '6') {
            throw new BadPacketException("binary Socket.IO packets are not supported");
        }
        int i = 1;
        String nsp = "/";
        if (i < s.length() && s.charAt(i) == '/') {
            int comma = s.indexOf(',', i);
            int end = comma < 0 ? s.length() : comma;
            nsp = s.substring(i, end);
            if (nsp.length() > 128) {
                throw new BadPacketException("namespace too long");
            }
            i = comma < 0 ? s.length() : comma + 1;
        }
        long ack = -1;
        int digits = i;
        while (digits < s.length() && Character.isDigit(s.charAt(digits)) && digits - i < 16) {
            digits++;
        }
        if (digits > i) {
            if (digits < s.length() && Character.isDigit(s.charAt(digits))) {
                throw new BadPacketException("acknowledgement id too long");
            }
            ack = Long.parseLong(s.substring(i, digits));
            i = digits;
        }
        return new SioPacket(type, nsp, ack, s.substring(i));
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
