//! Trusted proxies (`KEIKAKU_TRUSTED_PROXIES`): which peers may tell the server the client's
//! address in `X-Forwarded-For`. Behind an HTTPS proxy every request comes from the proxy's
//! address, so the login throttle and the audit trail need the address the proxy saw; from any
//! other peer the header is the client's own claim and is ignored.

use std::net::IpAddr;

/// One trusted address or network (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Result<Network, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or network"))?;
        let address = address.to_canonical();
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {bits}"))?,
        };
        Ok(Network { address, prefix })
    }

    fn contains(&self, address: IpAddr) -> bool {
        let bits = |a: IpAddr| match a {
            IpAddr::V4(v4) => (u128::from(v4.to_bits()), 32),
            IpAddr::V6(v6) => (v6.to_bits(), 128),
        };
        let (mine, width) = bits(self.address);
        let (theirs, their_width) = bits(address.to_canonical());
        if width != their_width {
            return false;
        }
        let host_bits = u32::from(width - self.prefix);
        let mask = u128::MAX.checked_shl(host_bits).unwrap_or(0);
        (mine ^ theirs) & mask == 0
    }
}

/// The configured proxies; empty (the default) trusts none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// A comma-separated list of addresses and networks.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        text.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(Network::parse)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// The client's address for a request from `peer` carrying these `X-Forwarded-For` values
    /// (in the order received). From a trusted peer, the right-most address that is not a
    /// trusted proxy: each proxy appends the address it saw, and everything to the left of the
    /// first untrusted one may have been written by the client. From any other peer, `peer`.
    pub fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded
            .into_iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut earliest = peer;
        for hop in hops.iter().rev() {
            // A hop that is no address was not written by a proxy: nothing left of it counts.
            let Some(address) = parse_hop(hop) else {
                return peer;
            };
            if !self.trusts(address) {
                return address;
            }
            earliest = address;
        }
        earliest
    }
}

/// An address as proxies write it: bare, or with a port (`192.0.2.1:4711`, `[2001:db8::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<std::net::SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|a| a.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_setting_parses_addresses_and_networks() {
        let proxies = TrustedProxies::parse(" 10.0.0.0/8, 192.0.2.1 ,::1,2001:db8::/32,").unwrap();
        for trusted in [
            "10.1.2.3",
            "192.0.2.1",
            "::1",
            "2001:db8::7",
            "::ffff:10.9.9.9",
        ] {
            assert!(proxies.trusts(ip(trusted)), "{trusted}");
        }
        for other in ["11.0.0.1", "192.0.2.2", "::2", "2001:db9::1"] {
            assert!(!proxies.trusts(ip(other)), "{other}");
        }
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .unwrap()
            .trusts(ip("8.8.8.8")));
        for bad in ["proxy.example", "10.0.0.0/33", "::/129", "10.0.0.1/x"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let proxies = TrustedProxies::parse("10.0.0.1").unwrap();
        assert_eq!(
            proxies.client_address(ip("203.0.113.9"), ["198.51.100.1"]),
            ip("203.0.113.9")
        );
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_address(ip("10.0.0.1"), ["198.51.100.1"]),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_trusted_peer_names_the_right_most_untrusted_address() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let peer = ip("10.0.0.1");
        // The client claimed 1.1.1.1; the outer proxy saw 198.51.100.7; an inner one 10.0.0.2.
        assert_eq!(
            proxies.client_address(peer, ["1.1.1.1, 198.51.100.7", "10.0.0.2"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            proxies.client_address(peer, ["[2001:db8::5]:443"]),
            ip("2001:db8::5")
        );
        assert_eq!(
            proxies.client_address(peer, ["198.51.100.7:5000"]),
            ip("198.51.100.7")
        );
        // Nothing forwarded, or only proxies: the earliest hop known.
        assert_eq!(proxies.client_address(peer, []), peer);
        assert_eq!(
            proxies.client_address(peer, ["10.0.0.3, 10.0.0.2"]),
            ip("10.0.0.3")
        );
        // Not an address: not written by a proxy, so not believed.
        assert_eq!(
            proxies.client_address(peer, ["198.51.100.7, unknown"]),
            peer
        );
    }
}
