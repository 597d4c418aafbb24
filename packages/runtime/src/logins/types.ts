/** Host logins and privilege use, from the node's auth log, journal and wtmp/btmp. */
export type LoginKind =
  "ssh-login" | "ssh-failure" | "ssh-logout" | "login-failure" | "sudo" | "sudo-failure" | "session";

export interface LoginEvent {
  kind: LoginKind;
  /** RFC 3339; absent when the source line carries no time (sshd -E log files). */
  time?: string;
  user: string;
  /** Remote address (ssh) or the tty line (wtmp). */
  from?: string;
  port?: number;
  /** publickey, password, keyboard-interactive/pam, … when the source says. */
  method?: string;
  /** Key type and fingerprint of an accepted public key. */
  key?: string;
  /** The user does not exist on the node (sshd "invalid user"). */
  invalidUser?: boolean;
  tty?: string;
  pid?: number;
  /** sudo: the target user and the command run. */
  runAs?: string;
  command?: string;
  source: "auth.log" | "wtmp" | "btmp" | "journal";
}
