package io.steward.sys;

/** errno values steward branches on, and symbolic names for messages. Linux generic numbering (x86_64, aarch64). */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int ETXTBSY = 26;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int ENOTSOCK = 88;
    public static final int EADDRINUSE = 98;
    public static final int ENOBUFS = 105;
    public static final int ECONNREFUSED = 111;

    private static final String[] NAMES = new String[134];

    static {
        String[] pairs = {
            "1", "EPERM", "2", "ENOENT", "3", "ESRCH", "4", "EINTR", "5", "EIO", "6", "ENXIO", "7", "E2BIG",
            "8", "ENOEXEC", "9", "EBADF", "10", "ECHILD", "11", "EAGAIN", "12", "ENOMEM", "13", "EACCES",
            "14", "EFAULT", "16", "EBUSY", "17", "EEXIST", "19", "ENODEV", "20", "ENOTDIR", "21", "EISDIR",
            "22", "EINVAL", "23", "ENFILE", "24", "EMFILE", "25", "ENOTTY", "26", "ETXTBSY", "27", "EFBIG",
            "28", "ENOSPC", "30", "EROFS", "32", "EPIPE", "36", "ENAMETOOLONG", "38", "ENOSYS", "40", "ELOOP",
            "88", "ENOTSOCK", "95", "EOPNOTSUPP", "98", "EADDRINUSE", "104", "ECONNRESET", "105", "ENOBUFS",
            "110", "ETIMEDOUT", "111", "ECONNREFUSED",
        };
        for (int i = 0; i < pairs.length; i += 2) {
            NAMES[Integer.parseInt(pairs[i])] = pairs[i + 1];
        }
    }

    private Errno() {}

    public static String name(int errno) {
        String n = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return n != null ? n : "errno " + errno;
    }

    /** The C library's text for the errno. */
    public static String describe(int errno) {
        return Libc.strerror(errno);
    }
}
