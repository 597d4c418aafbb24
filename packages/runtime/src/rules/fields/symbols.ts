/** Renders numeric kernel values as the symbolic strings Falco rules compare against. */

const MODE_BITS: Array<[number, string]> = [
  [0o4000, "S_ISUID"],
  [0o2000, "S_ISGID"],
  [0o1000, "S_ISVTX"],
  [0o400, "S_IRUSR"],
  [0o200, "S_IWUSR"],
  [0o100, "S_IXUSR"],
  [0o40, "S_IRGRP"],
  [0o20, "S_IWGRP"],
  [0o10, "S_IXGRP"],
  [0o4, "S_IROTH"],
  [0o2, "S_IWOTH"],
  [0o1, "S_IXOTH"],
];

export function modeSymbols(mode: number): string {
  return MODE_BITS.filter(([bit]) => (mode & bit) !== 0)
    .map(([, n]) => n)
    .join("|");
}

const ERRNO: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  5: "EIO",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  24: "EMFILE",
  28: "ENOSPC",
  30: "EROFS",
  38: "ENOSYS",
  95: "EOPNOTSUPP",
  98: "EADDRINUSE",
  101: "ENETUNREACH",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED",
  115: "EINPROGRESS",
};

/** Falco's evt.res: SUCCESS, or the errno name of a negative result. */
export function resultName(result: number | undefined): string {
  if (result === undefined || result >= 0) return "SUCCESS";
  return ERRNO[-result] ?? `E${-result}`;
}
