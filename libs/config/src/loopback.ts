/**
 * True for a host only this machine can reach, in any spelling Node's listen() and a URL accept: `localhost`, every
 * address of 127.0.0.0/8 (`127.1`, `0x7f.1`, `2130706433`), `::1` (`[::1]`, `0:0:0:0:0:0:0:1`) and IPv4-mapped
 * loopback (`::ffff:127.0.0.1`). The WHATWG URL parser puts each into one canonical form, so this checks that form.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  let hostname: string;
  try {
    hostname = new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}`).hostname;
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname === 'localhost.') return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(hostname)) return true;
  // IPv6 in canonical form: ::1, or ::ffff:7fxx:xxxx (the IPv4-mapped 127.0.0.0/8).
  return hostname === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname);
}
