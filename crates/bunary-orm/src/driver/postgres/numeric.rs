//! PostgreSQL `NUMERIC` in its binary wire format, to and from decimal text, so that no
//! digit is lost to a float on the way.

use std::error::Error as StdError;

type BoxError = Box<dyn StdError + Sync + Send>;

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
const NAN: u16 = 0xC000;

fn read_u16(raw: &[u8], at: usize) -> Result<u16, BoxError> {
    raw.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(|| "truncated numeric".into())
}

/// Decodes a binary `NUMERIC` into decimal text (`-12.3400`, `NaN`).
pub(super) fn decode(raw: &[u8]) -> Result<String, BoxError> {
    let ndigits = read_u16(raw, 0)? as usize;
    let weight = read_u16(raw, 2)? as i16 as i32;
    let sign = read_u16(raw, 4)?;
    let dscale = read_u16(raw, 6)? as usize;
    if sign == NAN {
        return Ok("NaN".to_owned());
    }
    let digits: Vec<u16> = (0..ndigits).map(|i| read_u16(raw, 8 + 2 * i)).collect::<Result<_, _>>()?;
    let digit = |i: i32| if i >= 0 && (i as usize) < digits.len() { digits[i as usize] } else { 0 };
    let mut out = String::new();
    if sign == NEGATIVE {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for i in 0..=weight {
            if i == 0 {
                out.push_str(&digit(i).to_string());
            } else {
                out.push_str(&format!("{:04}", digit(i)));
            }
        }
    }
    if dscale > 0 {
        out.push('.');
        let mut fraction = String::new();
        let mut i = weight + 1;
        while fraction.len() < dscale {
            fraction.push_str(&format!("{:04}", digit(i)));
            i += 1;
        }
        fraction.truncate(dscale);
        out.push_str(&fraction);
    }
    Ok(out)
}

/// Encodes decimal text (`-12.34`, `5`, `.5`) as a binary `NUMERIC`.
pub(super) fn encode(text: &str, out: &mut bytes::BytesMut) -> Result<(), BoxError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("nan") {
        for v in [0u16, 0, NAN, 0] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        return Ok(());
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int_part, frac_part) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let valid = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty()) || !valid(int_part) || !valid(frac_part) {
        return Err(format!("`{text}` is not a decimal number").into());
    }
    let dscale = frac_part.len();
    let int_part = int_part.trim_start_matches('0');
    let int_pad = (4 - int_part.len() % 4) % 4;
    let frac_pad = (4 - frac_part.len() % 4) % 4;
    let all: String = "0".repeat(int_pad) + int_part + frac_part + &"0".repeat(frac_pad);
    let mut groups: Vec<u16> =
        all.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap().parse().unwrap()).collect();
    let mut weight = ((int_part.len() + int_pad) / 4) as i32 - 1;
    while groups.first() == Some(&0) {
        groups.remove(0);
        weight -= 1;
    }
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    let sign = if negative && !groups.is_empty() { NEGATIVE } else { POSITIVE };
    out.extend_from_slice(&(groups.len() as u16).to_be_bytes());
    out.extend_from_slice(&(weight as i16).to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&(dscale as u16).to_be_bytes());
    for g in groups {
        out.extend_from_slice(&g.to_be_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let mut buf = bytes::BytesMut::new();
        encode(text, &mut buf).unwrap();
        decode(&buf).unwrap()
    }

    #[test]
    fn decimals_survive_the_wire_format() {
        for (input, output) in [
            ("0", "0"),
            ("5", "5"),
            ("-12.34", "-12.34"),
            ("12345678.000100", "12345678.000100"),
            ("0.00001", "0.00001"),
            (".5", "0.5"),
            ("10000", "10000"),
            ("-0.0", "0.0"),
            ("99999999999999999999.99", "99999999999999999999.99"),
            ("NaN", "NaN"),
        ] {
            assert_eq!(round_trip(input), output, "{input}");
        }
    }

    #[test]
    fn garbage_is_refused() {
        for bad in ["", "1.2.3", "1e5", "abc", "-", "."] {
            assert!(encode(bad, &mut bytes::BytesMut::new()).is_err(), "{bad:?}");
        }
    }
}
