//! `idl/dfpn.json` as the tests use it: discriminators, error codes, and a Borsh decoder driven by the
//! IDL's type definitions (so every account read in a test also checks the IDL's layout).
use serde_json::{json, Map, Value};
use solana_address::Address;

pub struct Idl(pub Value);

impl Idl {
    pub fn load() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../idl/dfpn.json");
        Self(serde_json::from_str(&std::fs::read_to_string(path).expect("idl/dfpn.json")).expect("IDL JSON"))
    }

    pub fn address(&self) -> Address {
        let s = self.0["address"].as_str().unwrap();
        let bytes = bs58_decode(s);
        Address::new_from_array(bytes.try_into().expect("32-byte address"))
    }

    fn disc(v: &Value) -> [u8; 8] {
        let b: Vec<u8> = v["discriminator"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u8).collect();
        b.try_into().unwrap()
    }

    pub fn instruction_discriminator(&self, name: &str) -> [u8; 8] {
        let ix = self.0["instructions"].as_array().unwrap().iter().find(|i| i["name"] == name);
        Self::disc(ix.unwrap_or_else(|| panic!("no instruction {name} in IDL")))
    }

    pub fn account_discriminator(&self, name: &str) -> [u8; 8] {
        let a = self.0["accounts"].as_array().unwrap().iter().find(|i| i["name"] == name);
        Self::disc(a.unwrap_or_else(|| panic!("no account {name} in IDL")))
    }

    pub fn instruction_names(&self) -> Vec<String> {
        self.0["instructions"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
    }

    /// A numeric constant of the IDL (`constants`, value as a decimal string).
    pub fn constant_u64(&self, name: &str) -> u64 {
        let c = self.0["constants"].as_array().unwrap().iter().find(|c| c["name"] == name);
        c.unwrap_or_else(|| panic!("no constant {name} in IDL"))["value"].as_str().unwrap().parse().unwrap()
    }

    pub fn error_code(&self, name: &str) -> u32 {
        let e = self.0["errors"].as_array().unwrap().iter().find(|e| e["name"] == name);
        e.unwrap_or_else(|| panic!("no error {name} in IDL"))["code"].as_u64().unwrap() as u32
    }

    fn type_def(&self, name: &str) -> &Value {
        self.0["types"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("type {name}"))
    }

    /// Size of a fixed-size type (accounts have no variable-length fields).
    pub fn size_of(&self, ty: &Value) -> usize {
        match ty {
            Value::String(s) => match s.as_str() {
                "u8" | "bool" => 1,
                "u16" => 2,
                "u32" => 4,
                "u64" | "i64" => 8,
                "pubkey" => 32,
                other => panic!("variable or unknown type {other}"),
            },
            Value::Object(o) if o.contains_key("array") => {
                let a = o["array"].as_array().unwrap();
                self.size_of(&a[0]) * a[1].as_u64().unwrap() as usize
            }
            Value::Object(o) if o.contains_key("defined") => self.struct_size(o["defined"]["name"].as_str().unwrap()),
            other => panic!("unsupported {other}"),
        }
    }

    pub fn struct_size(&self, name: &str) -> usize {
        self.type_def(name)["type"]["fields"].as_array().unwrap().iter().map(|f| self.size_of(&f["type"])).sum()
    }

    /// Byte offset of `field` in the account data of `type_name` (discriminator included), from the IDL layout.
    pub fn field_offset(&self, type_name: &str, field: &str) -> usize {
        let fields = self.type_def(type_name)["type"]["fields"].as_array().unwrap();
        let index = fields.iter().position(|f| f["name"] == field);
        let index = index.unwrap_or_else(|| panic!("no field {field} in {type_name}"));
        8 + fields[..index].iter().map(|f| self.size_of(&f["type"])).sum::<usize>()
    }

    /// Account data length (discriminator included).
    pub fn account_len(&self, name: &str) -> usize {
        8 + self.struct_size(name)
    }

    /// Decode account data: checks the discriminator and the exact length.
    pub fn decode_account(&self, name: &str, data: &[u8]) -> Value {
        assert_eq!(data[..8], self.account_discriminator(name), "{name} discriminator");
        assert_eq!(data.len(), self.account_len(name), "{name} length");
        let mut cursor = &data[8..];
        self.decode_struct(name, &mut cursor)
    }

    /// Decode an event (`discriminator ‖ borsh`), if the discriminator is a known event.
    pub fn decode_event(&self, bytes: &[u8]) -> Option<(String, Value)> {
        let event =
            self.0["events"].as_array().unwrap().iter().find(|e| bytes.len() >= 8 && Self::disc(e) == bytes[..8])?;
        let name = event["name"].as_str().unwrap().to_string();
        let mut cursor = &bytes[8..];
        let value = self.decode_struct(&name, &mut cursor);
        assert!(cursor.is_empty(), "{name}: trailing bytes");
        Some((name, value))
    }

    fn decode_struct(&self, name: &str, cursor: &mut &[u8]) -> Value {
        let mut out = Map::new();
        for f in self.type_def(name)["type"]["fields"].as_array().unwrap() {
            out.insert(f["name"].as_str().unwrap().to_string(), self.decode_value(&f["type"], cursor));
        }
        Value::Object(out)
    }

    fn decode_value(&self, ty: &Value, cursor: &mut &[u8]) -> Value {
        let mut take = |n: usize| {
            let (head, rest) = cursor.split_at(n);
            *cursor = rest;
            head.to_vec()
        };
        match ty {
            Value::String(s) => match s.as_str() {
                "u8" => json!(take(1)[0]),
                "bool" => json!(take(1)[0] != 0),
                "u16" => json!(u16::from_le_bytes(take(2).try_into().unwrap())),
                "u32" => json!(u32::from_le_bytes(take(4).try_into().unwrap())),
                "u64" => json!(u64::from_le_bytes(take(8).try_into().unwrap())),
                "i64" => json!(i64::from_le_bytes(take(8).try_into().unwrap())),
                "pubkey" => json!(take(32)),
                "string" => {
                    let len = u32::from_le_bytes(take(4).try_into().unwrap()) as usize;
                    json!(String::from_utf8(take(len)).expect("utf8"))
                }
                other => panic!("unknown type {other}"),
            },
            Value::Object(o) if o.contains_key("array") => {
                let a = o["array"].as_array().unwrap();
                let n = a[1].as_u64().unwrap() as usize;
                Value::Array((0..n).map(|_| self.decode_value(&a[0], cursor)).collect())
            }
            Value::Object(o) if o.contains_key("defined") => {
                self.decode_struct(o["defined"]["name"].as_str().unwrap(), cursor)
            }
            other => panic!("unsupported {other}"),
        }
    }
}

/// A decoded `pubkey` (array of 32 numbers) as an Address.
pub fn pubkey(v: &Value) -> Address {
    Address::new_from_array(bytes32(v))
}

/// A decoded `[u8; 32]`.
pub fn bytes32(v: &Value) -> [u8; 32] {
    let b: Vec<u8> = v.as_array().expect("byte array").iter().map(|x| x.as_u64().unwrap() as u8).collect();
    b.try_into().expect("32 bytes")
}

/// A decoded `[u8; N]` holding `len` bytes of text.
pub fn text(v: &Value, len: &Value) -> String {
    let b: Vec<u8> = v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u8).collect();
    String::from_utf8(b[..len.as_u64().unwrap() as usize].to_vec()).unwrap()
}

/// A base58 address (as written in the IDL and the shared test vectors).
pub fn address(base58: &str) -> Address {
    Address::new_from_array(bs58_decode(base58).try_into().expect("32-byte address"))
}

fn bs58_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut bytes: Vec<u8> = vec![0];
    for c in s.bytes() {
        let mut carry = ALPHABET.iter().position(|&a| a == c).expect("base58") as u32;
        for b in bytes.iter_mut() {
            carry += (*b as u32) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    for c in s.bytes() {
        if c == b'1' {
            bytes.push(0);
        } else {
            break;
        }
    }
    while bytes.len() > 32 && bytes.last() == Some(&0) {
        bytes.pop();
    }
    bytes.reverse();
    bytes
}
