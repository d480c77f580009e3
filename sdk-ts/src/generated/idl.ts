// DO NOT EDIT. Generated from idl/dfpn.json and idl/errors.catalogue.json by sdk-ts/scripts/generate.mjs
// (`npm run generate`); `npm run check-generated` fails when this folder is not what the generator writes.
/** The program's Anchor IDL (spec 0.1.0), as committed in idl/dfpn.json. Load it with
 * @coral-xyz/anchor's `new Program(DFPN_IDL as Idl, provider)`. */
export const DFPN_IDL = {
  "address": "14UaT5Z7TsogWsWyzf45m9PNXcSeH29esMMsJ8NRFFnp",
  "metadata": {
    "name": "dfpn",
    "version": "0.1.0",
    "spec": "0.1.0",
    "description": "Deepfake Proof Network: escrowed detection requests, staked workers, commit-reveal consensus"
  },
  "instructions": [
    {
      "name": "initialize_config",
      "docs": [
        "Create the configuration and the treasury and insurance vaults; only the program's upgrade authority may."
      ],
      "discriminator": [
        208,
        127,
        21,
        1,
        194,
        190,
        196,
        70
      ],
      "accounts": [
        {
          "name": "authority",
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "treasury",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  116,
                  114,
                  101,
                  97,
                  115,
                  117,
                  114,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "insurance",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  105,
                  110,
                  115,
                  117,
                  114,
                  97,
                  110,
                  99,
                  101
                ]
              }
            ]
          }
        },
        {
          "name": "system_program",
          "address": "11111111111111111111111111111111"
        },
        {
          "name": "program_data",
          "docs": [
            "This program's ProgramData account; its upgrade authority must sign."
          ],
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  0,
                  227,
                  236,
                  107,
                  229,
                  223,
                  254,
                  192,
                  29,
                  205,
                  169,
                  166,
                  133,
                  185,
                  11,
                  159,
                  161,
                  18,
                  144,
                  239,
                  207,
                  142,
                  128,
                  139,
                  212,
                  113,
                  16,
                  125,
                  3,
                  207,
                  152,
                  105
                ]
              }
            ],
            "program": {
              "kind": "const",
              "value": [
                2,
                168,
                246,
                145,
                78,
                136,
                161,
                176,
                226,
                16,
                21,
                62,
                247,
                99,
                174,
                43,
                0,
                194,
                185,
                61,
                22,
                193,
                36,
                210,
                192,
                83,
                122,
                16,
                4,
                128,
                0,
                0
              ]
            }
          }
        },
        {
          "name": "program",
          "docs": [
            "This program's own account, which names its ProgramData account."
          ],
          "address": "14UaT5Z7TsogWsWyzf45m9PNXcSeH29esMMsJ8NRFFnp"
        }
      ],
      "args": [
        {
          "name": "params",
          "type": {
            "defined": {
              "name": "ConfigParams"
            }
          }
        }
      ]
    },
    {
      "name": "update_config",
      "docs": [
        "The authority changes parameters; requests already submitted keep theirs."
      ],
      "discriminator": [
        29,
        158,
        252,
        191,
        10,
        83,
        219,
        99
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "config",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": [
        {
          "name": "params",
          "type": {
            "defined": {
              "name": "ConfigParams"
            }
          }
        }
      ]
    },
    {
      "name": "set_paused",
      "docs": [
        "The authority pauses or resumes new requests."
      ],
      "discriminator": [
        91,
        60,
        125,
        192,
        176,
        225,
        166,
        218
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "config",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": [
        {
          "name": "paused",
          "type": "bool"
        }
      ]
    },
    {
      "name": "withdraw_treasury",
      "docs": [
        "The authority moves treasury lamports above rent to a recipient."
      ],
      "discriminator": [
        40,
        63,
        122,
        158,
        144,
        216,
        83,
        96
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "config",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "treasury",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  116,
                  114,
                  101,
                  97,
                  115,
                  117,
                  114,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "recipient",
          "writable": true
        }
      ],
      "args": [
        {
          "name": "amount",
          "type": "u64"
        }
      ]
    },
    {
      "name": "register_model",
      "docs": [
        "A model developer registers a detection model and its payout wallet."
      ],
      "discriminator": [
        111,
        236,
        93,
        31,
        195,
        210,
        142,
        125
      ],
      "accounts": [
        {
          "name": "developer",
          "writable": true,
          "signer": true
        },
        {
          "name": "model",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  109,
                  111,
                  100,
                  101,
                  108
                ]
              },
              {
                "kind": "account",
                "path": "developer"
              },
              {
                "kind": "arg",
                "path": "model_id"
              }
            ]
          }
        },
        {
          "name": "payout_wallet"
        },
        {
          "name": "system_program",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "model_id",
          "type": {
            "array": [
              "u8",
              32
            ]
          }
        },
        {
          "name": "modalities",
          "type": "u8"
        }
      ]
    },
    {
      "name": "update_model",
      "docs": [
        "The developer changes the payout wallet and modalities."
      ],
      "discriminator": [
        76,
        230,
        44,
        16,
        103,
        83,
        24,
        73
      ],
      "accounts": [
        {
          "name": "developer",
          "signer": true
        },
        {
          "name": "model",
          "writable": true
        },
        {
          "name": "payout_wallet"
        }
      ],
      "args": [
        {
          "name": "modalities",
          "type": "u8"
        }
      ]
    },
    {
      "name": "deactivate_model",
      "docs": [
        "The developer retires a model."
      ],
      "discriminator": [
        36,
        212,
        100,
        110,
        59,
        184,
        208,
        38
      ],
      "accounts": [
        {
          "name": "developer",
          "signer": true
        },
        {
          "name": "model",
          "writable": true
        }
      ],
      "args": []
    },
    {
      "name": "claim_model_fees",
      "docs": [
        "Move a model's accrued fee shares to its payout wallet (anyone may call)."
      ],
      "discriminator": [
        253,
        87,
        210,
        127,
        231,
        12,
        111,
        140
      ],
      "accounts": [
        {
          "name": "model",
          "writable": true
        },
        {
          "name": "payout_wallet",
          "writable": true
        }
      ],
      "args": []
    },
    {
      "name": "register_worker",
      "docs": [
        "An operator stakes SOL and declares its modalities and models."
      ],
      "discriminator": [
        22,
        253,
        23,
        225,
        230,
        31,
        6,
        192
      ],
      "accounts": [
        {
          "name": "authority",
          "writable": true,
          "signer": true
        },
        {
          "name": "worker",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        },
        {
          "name": "config",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "system_program",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "stake",
          "type": "u64"
        },
        {
          "name": "modalities",
          "type": "u8"
        },
        {
          "name": "models",
          "type": {
            "vec": "pubkey"
          }
        }
      ]
    },
    {
      "name": "add_stake",
      "docs": [
        "The operator adds stake."
      ],
      "discriminator": [
        58,
        135,
        189,
        105,
        160,
        120,
        165,
        224
      ],
      "accounts": [
        {
          "name": "authority",
          "writable": true,
          "signer": true
        },
        {
          "name": "worker",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        },
        {
          "name": "system_program",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "amount",
          "type": "u64"
        }
      ]
    },
    {
      "name": "update_worker",
      "docs": [
        "The operator changes its modalities and models (not while it holds a seat)."
      ],
      "discriminator": [
        222,
        12,
        91,
        141,
        125,
        7,
        125,
        116
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "worker",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        }
      ],
      "args": [
        {
          "name": "modalities",
          "type": "u8"
        },
        {
          "name": "models",
          "type": {
            "vec": "pubkey"
          }
        }
      ]
    },
    {
      "name": "request_unstake",
      "docs": [
        "The operator starts unbonding stake; blocked while it holds a seat."
      ],
      "discriminator": [
        44,
        154,
        110,
        253,
        160,
        202,
        54,
        34
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "worker",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        },
        {
          "name": "config",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": [
        {
          "name": "amount",
          "type": "u64"
        }
      ]
    },
    {
      "name": "withdraw_stake",
      "docs": [
        "After the unbonding delay the operator takes unbonded stake back."
      ],
      "discriminator": [
        153,
        8,
        22,
        138,
        105,
        176,
        87,
        66
      ],
      "accounts": [
        {
          "name": "authority",
          "writable": true,
          "signer": true
        },
        {
          "name": "worker",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "claim_worker_rewards",
      "docs": [
        "The operator takes its earned fees."
      ],
      "discriminator": [
        208,
        24,
        148,
        108,
        47,
        2,
        58,
        139
      ],
      "accounts": [
        {
          "name": "authority",
          "writable": true,
          "signer": true
        },
        {
          "name": "worker",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "submit_request",
      "docs": [
        "A client records media for analysis and escrows its max fee."
      ],
      "discriminator": [
        122,
        30,
        180,
        251,
        206,
        230,
        254,
        57
      ],
      "accounts": [
        {
          "name": "client",
          "writable": true,
          "signer": true
        },
        {
          "name": "request",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  114,
                  101,
                  113,
                  117,
                  101,
                  115,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "client"
              },
              {
                "kind": "arg",
                "path": "nonce"
              }
            ]
          }
        },
        {
          "name": "config",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "system_program",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "nonce",
          "type": "u64"
        },
        {
          "name": "content_hash",
          "type": {
            "array": [
              "u8",
              32
            ]
          }
        },
        {
          "name": "storage_uri",
          "type": "string"
        },
        {
          "name": "modalities",
          "type": "u8"
        },
        {
          "name": "min_workers",
          "type": "u8"
        },
        {
          "name": "max_workers",
          "type": "u8"
        },
        {
          "name": "max_fee",
          "type": "u64"
        },
        {
          "name": "deadline",
          "type": "i64"
        },
        {
          "name": "bump",
          "type": "u8"
        },
        {
          "name": "attestation",
          "type": {
            "array": [
              "u8",
              32
            ]
          }
        }
      ]
    },
    {
      "name": "join_request",
      "docs": [
        "A drawn worker accepts its seat (draw_seats) and locks the seat bond from its free stake."
      ],
      "discriminator": [
        166,
        109,
        58,
        33,
        148,
        44,
        114,
        211
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "worker",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        },
        {
          "name": "request",
          "writable": true
        },
        {
          "name": "config",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "commit_result",
      "docs": [
        "A seated worker commits the hash of its answer and the model it comes from (fixed in the seat: later changes to the model do not reach this request)."
      ],
      "discriminator": [
        45,
        73,
        224,
        222,
        48,
        67,
        191,
        185
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "request",
          "writable": true
        },
        {
          "name": "worker",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        },
        {
          "name": "model"
        }
      ],
      "args": [
        {
          "name": "commitment",
          "type": {
            "array": [
              "u8",
              32
            ]
          }
        }
      ]
    },
    {
      "name": "reveal_result",
      "docs": [
        "A committed worker reveals its answer; it must hash to the commitment (with the seat's model)."
      ],
      "discriminator": [
        251,
        165,
        27,
        86,
        52,
        234,
        133,
        173
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "request",
          "writable": true
        }
      ],
      "args": [
        {
          "name": "verdict",
          "type": "u8"
        },
        {
          "name": "confidence",
          "type": "u8"
        },
        {
          "name": "report_hash",
          "type": {
            "array": [
              "u8",
              32
            ]
          }
        },
        {
          "name": "salt",
          "type": {
            "array": [
              "u8",
              32
            ]
          }
        },
        {
          "name": "report_uri",
          "type": "string"
        }
      ]
    },
    {
      "name": "finalize_request",
      "docs": [
        "Finalizes after the reveal phase: the client at once (signing as `client`), anyone else FINALIZE_GRACE_SECS after the deadline. Remaining accounts: one writable worker PDA per seat in seat order, then one writable model PDA per revealed seat in seat order."
      ],
      "discriminator": [
        147,
        60,
        211,
        130,
        76,
        138,
        43,
        255
      ],
      "accounts": [
        {
          "name": "request",
          "writable": true
        },
        {
          "name": "client",
          "writable": true
        },
        {
          "name": "config",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "treasury",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  116,
                  114,
                  101,
                  97,
                  115,
                  117,
                  114,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "insurance",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  105,
                  110,
                  115,
                  117,
                  114,
                  97,
                  110,
                  99,
                  101
                ]
              }
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "expire_request",
      "docs": [
        "Anyone expires a request without enough commitments; seats that never committed forfeit their bond to insurance. Remaining accounts: one writable worker PDA per seat in seat order."
      ],
      "discriminator": [
        219,
        189,
        105,
        97,
        227,
        47,
        124,
        23
      ],
      "accounts": [
        {
          "name": "request",
          "writable": true
        },
        {
          "name": "client",
          "writable": true
        },
        {
          "name": "insurance",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  105,
                  110,
                  115,
                  117,
                  114,
                  97,
                  110,
                  99,
                  101
                ]
              }
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "close_request",
      "docs": [
        "The client closes a finished request and gets its rent back."
      ],
      "discriminator": [
        170,
        46,
        165,
        120,
        223,
        102,
        115,
        2
      ],
      "accounts": [
        {
          "name": "client",
          "writable": true,
          "signer": true
        },
        {
          "name": "request",
          "writable": true
        }
      ],
      "args": []
    },
    {
      "name": "propose_authority",
      "docs": [
        "The authority proposes its successor (all zeroes withdraws the proposal)."
      ],
      "discriminator": [
        20,
        148,
        236,
        198,
        76,
        119,
        99,
        142
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "config",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": [
        {
          "name": "new_authority",
          "type": "pubkey"
        }
      ]
    },
    {
      "name": "accept_authority",
      "docs": [
        "The proposed authority accepts and takes over the configuration."
      ],
      "discriminator": [
        107,
        86,
        198,
        91,
        33,
        12,
        107,
        160
      ],
      "accounts": [
        {
          "name": "new_authority",
          "signer": true
        },
        {
          "name": "config",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        }
      ],
      "args": []
    },
    {
      "name": "leave_request",
      "docs": [
        "A drawn worker gives back a seat it has not committed, within half a commit window of being drawn (its bond is released if it accepted); the seat is drawn again."
      ],
      "discriminator": [
        109,
        36,
        63,
        9,
        52,
        19,
        84,
        215
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "worker",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  111,
                  114,
                  107,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              }
            ]
          }
        },
        {
          "name": "request",
          "writable": true
        }
      ],
      "args": []
    },
    {
      "name": "withdraw_insurance",
      "docs": [
        "The authority moves at most MAX_INSURANCE_WITHDRAWAL_BPS of the insurance vault above rent to a recipient, at most once per INSURANCE_WITHDRAWAL_INTERVAL_SECS."
      ],
      "discriminator": [
        201,
        133,
        145,
        118,
        235,
        89,
        90,
        189
      ],
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "config",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "insurance",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  105,
                  110,
                  115,
                  117,
                  114,
                  97,
                  110,
                  99,
                  101
                ]
              }
            ]
          }
        },
        {
          "name": "recipient",
          "writable": true
        }
      ],
      "args": [
        {
          "name": "amount",
          "type": "u64"
        }
      ]
    },
    {
      "name": "propose_model_transfer",
      "docs": [
        "A model's developer proposes its successor (all zeroes withdraws the proposal)."
      ],
      "discriminator": [
        105,
        219,
        1,
        62,
        14,
        212,
        104,
        181
      ],
      "accounts": [
        {
          "name": "developer",
          "signer": true
        },
        {
          "name": "model",
          "writable": true
        }
      ],
      "args": [
        {
          "name": "new_developer",
          "type": "pubkey"
        }
      ]
    },
    {
      "name": "accept_model_transfer",
      "docs": [
        "The proposed developer accepts and takes over the model."
      ],
      "discriminator": [
        222,
        105,
        2,
        76,
        62,
        50,
        24,
        83
      ],
      "accounts": [
        {
          "name": "new_developer",
          "signer": true
        },
        {
          "name": "model",
          "writable": true
        }
      ],
      "args": []
    },
    {
      "name": "register_challenger",
      "docs": [
        "The authority lets a key reveal known-answer challenges."
      ],
      "discriminator": [
        69,
        151,
        151,
        202,
        4,
        226,
        241,
        134
      ],
      "accounts": [
        {
          "name": "authority",
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "challenger",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  104,
                  97,
                  108,
                  108,
                  101,
                  110,
                  103,
                  101,
                  114
                ]
              },
              {
                "kind": "arg",
                "path": "challenger"
              }
            ]
          }
        },
        {
          "name": "system_program",
          "address": "11111111111111111111111111111111"
        }
      ],
      "args": [
        {
          "name": "challenger",
          "type": "pubkey"
        }
      ]
    },
    {
      "name": "remove_challenger",
      "docs": [
        "The authority withdraws a challenger; its account's rent returns to the authority."
      ],
      "discriminator": [
        145,
        72,
        92,
        235,
        116,
        74,
        96,
        0
      ],
      "accounts": [
        {
          "name": "authority",
          "writable": true,
          "signer": true
        },
        {
          "name": "config",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "challenger",
          "writable": true
        }
      ],
      "args": []
    },
    {
      "name": "reveal_challenge",
      "docs": [
        "A registered challenger reveals the label and salt its request's attestation committed to, after the reveal phase and before finalization."
      ],
      "discriminator": [
        133,
        221,
        237,
        26,
        70,
        84,
        22,
        96
      ],
      "accounts": [
        {
          "name": "client",
          "signer": true
        },
        {
          "name": "challenger",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  104,
                  97,
                  108,
                  108,
                  101,
                  110,
                  103,
                  101,
                  114
                ]
              },
              {
                "kind": "account",
                "path": "client"
              }
            ]
          }
        },
        {
          "name": "request",
          "writable": true
        }
      ],
      "args": [
        {
          "name": "label",
          "type": "u8"
        },
        {
          "name": "salt",
          "type": {
            "array": [
              "u8",
              32
            ]
          }
        }
      ]
    },
    {
      "name": "draw_seats",
      "docs": [
        "Anyone draws workers into a request's empty seats with the hash of the first slot at or after its draw_slot (DRAW_DOMAIN); it first replaces seats not committed half a commit window after they were drawn (their bond is forfeited). Remaining accounts: the writable worker PDA of every such seat in seat order, then read-only candidate worker PDAs in draw order: candidate k is the worker whose pool_index is the first 8 bytes (LE) of sha256(seed ‖ k as u32 LE) modulo the request's pool_count; it takes a seat if eligible and the next 8 bytes (LE) modulo draw_stake_cap are below its stake."
      ],
      "discriminator": [
        80,
        164,
        20,
        16,
        140,
        65,
        65,
        111
      ],
      "accounts": [
        {
          "name": "request",
          "writable": true
        },
        {
          "name": "config",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  99,
                  111,
                  110,
                  102,
                  105,
                  103
                ]
              }
            ]
          }
        },
        {
          "name": "slot_hashes",
          "address": "SysvarS1otHashes111111111111111111111111111"
        },
        {
          "name": "insurance",
          "writable": true,
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  105,
                  110,
                  115,
                  117,
                  114,
                  97,
                  110,
                  99,
                  101
                ]
              }
            ]
          }
        }
      ],
      "args": []
    }
  ],
  "accounts": [
    {
      "name": "Config",
      "discriminator": [
        155,
        12,
        170,
        224,
        30,
        250,
        204,
        130
      ]
    },
    {
      "name": "Vault",
      "discriminator": [
        211,
        8,
        232,
        43,
        2,
        152,
        117,
        119
      ]
    },
    {
      "name": "Model",
      "discriminator": [
        152,
        221,
        247,
        122,
        185,
        125,
        223,
        151
      ]
    },
    {
      "name": "Worker",
      "discriminator": [
        224,
        158,
        97,
        5,
        224,
        241,
        67,
        146
      ]
    },
    {
      "name": "Request",
      "discriminator": [
        125,
        172,
        150,
        161,
        162,
        115,
        39,
        71
      ]
    },
    {
      "name": "Challenger",
      "discriminator": [
        89,
        121,
        93,
        18,
        145,
        185,
        209,
        216
      ]
    }
  ],
  "events": [
    {
      "name": "ConfigInitialized",
      "discriminator": [
        181,
        49,
        200,
        156,
        19,
        167,
        178,
        91
      ]
    },
    {
      "name": "ConfigUpdated",
      "discriminator": [
        40,
        241,
        230,
        122,
        11,
        19,
        198,
        194
      ]
    },
    {
      "name": "PauseSet",
      "discriminator": [
        175,
        57,
        198,
        136,
        192,
        66,
        204,
        73
      ]
    },
    {
      "name": "TreasuryWithdrawn",
      "discriminator": [
        143,
        181,
        157,
        169,
        87,
        155,
        170,
        46
      ]
    },
    {
      "name": "ModelRegistered",
      "discriminator": [
        220,
        196,
        19,
        71,
        42,
        237,
        219,
        138
      ]
    },
    {
      "name": "ModelUpdated",
      "discriminator": [
        176,
        73,
        246,
        100,
        211,
        248,
        16,
        248
      ]
    },
    {
      "name": "ModelDeactivated",
      "discriminator": [
        206,
        93,
        113,
        200,
        8,
        64,
        87,
        45
      ]
    },
    {
      "name": "ModelFeesClaimed",
      "discriminator": [
        223,
        47,
        195,
        253,
        189,
        175,
        161,
        45
      ]
    },
    {
      "name": "WorkerRegistered",
      "discriminator": [
        32,
        196,
        68,
        85,
        235,
        201,
        213,
        179
      ]
    },
    {
      "name": "StakeAdded",
      "discriminator": [
        139,
        170,
        134,
        90,
        22,
        96,
        23,
        193
      ]
    },
    {
      "name": "WorkerUpdated",
      "discriminator": [
        33,
        39,
        231,
        190,
        44,
        226,
        238,
        190
      ]
    },
    {
      "name": "UnstakeRequested",
      "discriminator": [
        21,
        253,
        177,
        85,
        129,
        206,
        42,
        152
      ]
    },
    {
      "name": "StakeWithdrawn",
      "discriminator": [
        33,
        120,
        159,
        58,
        140,
        255,
        174,
        79
      ]
    },
    {
      "name": "WorkerRewardsClaimed",
      "discriminator": [
        138,
        56,
        157,
        12,
        38,
        116,
        60,
        200
      ]
    },
    {
      "name": "RequestSubmitted",
      "discriminator": [
        113,
        213,
        202,
        246,
        213,
        106,
        73,
        44
      ]
    },
    {
      "name": "WorkerJoined",
      "discriminator": [
        65,
        220,
        171,
        79,
        80,
        112,
        214,
        244
      ]
    },
    {
      "name": "ResultCommitted",
      "discriminator": [
        197,
        81,
        109,
        4,
        128,
        173,
        1,
        109
      ]
    },
    {
      "name": "ResultRevealed",
      "discriminator": [
        109,
        13,
        202,
        85,
        148,
        63,
        148,
        192
      ]
    },
    {
      "name": "RequestFinalized",
      "discriminator": [
        48,
        148,
        32,
        225,
        89,
        33,
        150,
        17
      ]
    },
    {
      "name": "WorkerPaid",
      "discriminator": [
        81,
        33,
        19,
        141,
        26,
        216,
        165,
        20
      ]
    },
    {
      "name": "WorkerSlashed",
      "discriminator": [
        105,
        194,
        239,
        166,
        177,
        74,
        243,
        242
      ]
    },
    {
      "name": "RequestExpired",
      "discriminator": [
        190,
        61,
        247,
        223,
        89,
        107,
        245,
        252
      ]
    },
    {
      "name": "RequestClosed",
      "discriminator": [
        59,
        172,
        99,
        75,
        9,
        19,
        226,
        188
      ]
    },
    {
      "name": "AuthorityProposed",
      "discriminator": [
        244,
        117,
        94,
        112,
        53,
        151,
        35,
        89
      ]
    },
    {
      "name": "AuthorityTransferred",
      "discriminator": [
        245,
        109,
        179,
        54,
        135,
        92,
        22,
        64
      ]
    },
    {
      "name": "WorkerLeft",
      "discriminator": [
        20,
        11,
        160,
        162,
        150,
        63,
        249,
        213
      ]
    },
    {
      "name": "InsuranceWithdrawn",
      "discriminator": [
        85,
        95,
        150,
        170,
        148,
        235,
        180,
        156
      ]
    },
    {
      "name": "ModelTransferProposed",
      "discriminator": [
        42,
        221,
        235,
        204,
        174,
        74,
        96,
        123
      ]
    },
    {
      "name": "ModelTransferred",
      "discriminator": [
        230,
        97,
        111,
        224,
        193,
        163,
        90,
        116
      ]
    },
    {
      "name": "ChallengerRegistered",
      "discriminator": [
        147,
        14,
        134,
        173,
        249,
        39,
        199,
        249
      ]
    },
    {
      "name": "ChallengerRemoved",
      "discriminator": [
        171,
        242,
        166,
        150,
        34,
        148,
        0,
        70
      ]
    },
    {
      "name": "ChallengeRevealed",
      "discriminator": [
        70,
        75,
        160,
        9,
        210,
        81,
        97,
        221
      ]
    },
    {
      "name": "SeatDrawn",
      "discriminator": [
        110,
        61,
        47,
        40,
        12,
        221,
        221,
        122
      ]
    },
    {
      "name": "DrawRearmed",
      "discriminator": [
        25,
        27,
        196,
        88,
        205,
        188,
        4,
        191
      ]
    }
  ],
  "errors": [
    {
      "code": 6000,
      "name": "InvalidInstructionData",
      "msg": "Instruction data too short, too long or not a known discriminator."
    },
    {
      "code": 6001,
      "name": "NotEnoughAccounts",
      "msg": "Fewer accounts than the instruction needs."
    },
    {
      "code": 6002,
      "name": "MissingSignature",
      "msg": "A required signature is missing."
    },
    {
      "code": 6003,
      "name": "AccountNotWritable",
      "msg": "An account that must be writable is read-only."
    },
    {
      "code": 6004,
      "name": "InvalidAccountOwner",
      "msg": "An account is not owned by the expected program."
    },
    {
      "code": 6005,
      "name": "InvalidAccountData",
      "msg": "An account's data does not start with the expected discriminator or has the wrong size."
    },
    {
      "code": 6006,
      "name": "InvalidPda",
      "msg": "An account's address is not the expected program-derived address."
    },
    {
      "code": 6007,
      "name": "AccountAlreadyInitialized",
      "msg": "The account to create already exists."
    },
    {
      "code": 6008,
      "name": "InvalidSystemProgram",
      "msg": "The system program account is not the system program."
    },
    {
      "code": 6009,
      "name": "Unauthorized",
      "msg": "Signer is not the authority of this account (the worker's operator or the model's developer)."
    },
    {
      "code": 6010,
      "name": "Paused",
      "msg": "New requests are paused by the authority."
    },
    {
      "code": 6011,
      "name": "InvalidConfig",
      "msg": "A configuration value is out of range."
    },
    {
      "code": 6012,
      "name": "ArithmeticOverflow",
      "msg": "Arithmetic overflow or underflow."
    },
    {
      "code": 6013,
      "name": "InvalidModalities",
      "msg": "Modality bitmask is empty or names an unknown modality."
    },
    {
      "code": 6014,
      "name": "InvalidModelId",
      "msg": "Model id is empty, too long or not printable ASCII."
    },
    {
      "code": 6015,
      "name": "ModelInactive",
      "msg": "The model is deactivated."
    },
    {
      "code": 6016,
      "name": "TooManyModels",
      "msg": "Too many models for one worker."
    },
    {
      "code": 6017,
      "name": "InsufficientStake",
      "msg": "Stake below the configured minimum."
    },
    {
      "code": 6018,
      "name": "InsufficientFunds",
      "msg": "The payer does not have the lamports the instruction moves."
    },
    {
      "code": 6019,
      "name": "WorkerHasActiveCommitments",
      "msg": "The worker still holds a seat in an unfinished request."
    },
    {
      "code": 6020,
      "name": "UnbondingNotReady",
      "msg": "No unbonding in progress, or the unbonding delay has not passed."
    },
    {
      "code": 6021,
      "name": "WorkerUnbonding",
      "msg": "The worker is unbonding and cannot take new work."
    },
    {
      "code": 6022,
      "name": "DeadlineTooShort",
      "msg": "Deadline less than the configured minimum ahead of now."
    },
    {
      "code": 6023,
      "name": "MaxFeeTooLow",
      "msg": "Max fee is below the fee the network charges for this request."
    },
    {
      "code": 6024,
      "name": "InvalidStorageUri",
      "msg": "Storage URI is empty, too long, or not ipfs://, s3://, https://, http:// or file://."
    },
    {
      "code": 6025,
      "name": "InvalidWorkerCount",
      "msg": "min/max workers out of range."
    },
    {
      "code": 6026,
      "name": "RequestNotOpen",
      "msg": "The request is not open."
    },
    {
      "code": 6027,
      "name": "ModalityNotSupported",
      "msg": "The worker does not support every requested modality."
    },
    {
      "code": 6028,
      "name": "RequestFull",
      "msg": "All seats of the request are taken."
    },
    {
      "code": 6029,
      "name": "AlreadyJoined",
      "msg": "The worker already holds a seat in this request."
    },
    {
      "code": 6030,
      "name": "NotJoined",
      "msg": "The worker holds no seat in this request."
    },
    {
      "code": 6031,
      "name": "CommitPhaseClosed",
      "msg": "The commit phase is over."
    },
    {
      "code": 6032,
      "name": "AlreadyCommitted",
      "msg": "This seat already committed."
    },
    {
      "code": 6033,
      "name": "RevealPhaseNotStarted",
      "msg": "The reveal phase has not started."
    },
    {
      "code": 6034,
      "name": "RevealPhaseClosed",
      "msg": "The reveal phase is over."
    },
    {
      "code": 6035,
      "name": "NotCommitted",
      "msg": "This seat has no commitment to reveal."
    },
    {
      "code": 6036,
      "name": "AlreadyRevealed",
      "msg": "This seat already revealed."
    },
    {
      "code": 6037,
      "name": "CommitmentMismatch",
      "msg": "The revealed preimage does not hash to the commitment."
    },
    {
      "code": 6038,
      "name": "InvalidVerdict",
      "msg": "Verdict byte is not 0 (Inconclusive), 1 (Authentic) or 2 (Manipulated)."
    },
    {
      "code": 6039,
      "name": "ModelNotDeclared",
      "msg": "The revealed model is not one of the worker's models."
    },
    {
      "code": 6040,
      "name": "InvalidReportUri",
      "msg": "Report URI empty or too long."
    },
    {
      "code": 6041,
      "name": "FinalizeTooEarly",
      "msg": "The request cannot be finalized yet."
    },
    {
      "code": 6042,
      "name": "CannotExpire",
      "msg": "The request cannot be expired: enough workers committed, or the commit phase is still open."
    },
    {
      "code": 6043,
      "name": "RequestNotFinished",
      "msg": "The request is not finished (finalized or expired)."
    },
    {
      "code": 6044,
      "name": "SeatAccountMismatch",
      "msg": "The remaining accounts do not match the request's seats."
    },
    {
      "code": 6045,
      "name": "NothingToClaim",
      "msg": "Nothing to withdraw or claim."
    },
    {
      "code": 6046,
      "name": "PayoutWalletMismatch",
      "msg": "Payout wallet does not match the model's registered wallet."
    },
    {
      "code": 6047,
      "name": "InvalidContentHash",
      "msg": "Content hash is all zeroes."
    },
    {
      "code": 6048,
      "name": "ClientMismatch",
      "msg": "Client account does not match the request's client."
    },
    {
      "code": 6049,
      "name": "VaultMismatch",
      "msg": "Treasury or insurance vault does not match the configuration."
    },
    {
      "code": 6050,
      "name": "DuplicateAccount",
      "msg": "The same account was passed where two different accounts are required."
    },
    {
      "code": 6051,
      "name": "InsufficientCommitments",
      "msg": "Fewer than min workers committed: the request can only be expired."
    },
    {
      "code": 6052,
      "name": "DeadlineTooLong",
      "msg": "Deadline is further from now than the configuration's max_deadline_secs."
    },
    {
      "code": 6053,
      "name": "SelfDealing",
      "msg": "A worker or model may not serve a request whose client is its own operator or developer."
    },
    {
      "code": 6054,
      "name": "InvalidConfidence",
      "msg": "Confidence is above 100."
    },
    {
      "code": 6055,
      "name": "ModelMismatch",
      "msg": "The model account is not the model the seat committed with."
    },
    {
      "code": 6056,
      "name": "ModelModalityMismatch",
      "msg": "The model does not cover every modality the request names."
    },
    {
      "code": 6057,
      "name": "NotConfigAuthority",
      "msg": "Signer is not the configuration authority."
    },
    {
      "code": 6058,
      "name": "NotPendingAuthority",
      "msg": "Signer is not the proposed configuration authority (or none is proposed)."
    },
    {
      "code": 6059,
      "name": "NonCanonicalBump",
      "msg": "The request address does not use the canonical PDA bump."
    },
    {
      "code": 6060,
      "name": "PayoutBelowRent",
      "msg": "The receiving wallet is empty and the amount is below its rent-exempt minimum."
    },
    {
      "code": 6061,
      "name": "RequestAlreadyClosed",
      "msg": "No request account at this address: it was closed already, or never submitted."
    },
    {
      "code": 6062,
      "name": "BondExceedsFreeStake",
      "msg": "The worker's stake not already bonded by its other seats does not cover this request's seat bond."
    },
    {
      "code": 6063,
      "name": "LeaveWindowClosed",
      "msg": "A seat can be given back only within half a commit window of being drawn."
    },
    {
      "code": 6064,
      "name": "NotUpgradeAuthority",
      "msg": "The signer is not the program's upgrade authority: only it may initialize the configuration."
    },
    {
      "code": 6065,
      "name": "InvalidProgramData",
      "msg": "The program-data account is not this program's (BPF upgradeable loader, PDA of the program id)."
    },
    {
      "code": 6066,
      "name": "InsuranceWithdrawalTooLarge",
      "msg": "An insurance withdrawal may move at most `MAX_INSURANCE_WITHDRAWAL_BPS` of the vault above rent."
    },
    {
      "code": 6067,
      "name": "InsuranceWithdrawalTooSoon",
      "msg": "Insurance was withdrawn less than `INSURANCE_WITHDRAWAL_INTERVAL_SECS` ago."
    },
    {
      "code": 6068,
      "name": "NotPendingDeveloper",
      "msg": "The signer is not the model's proposed developer."
    },
    {
      "code": 6069,
      "name": "NotChallenger",
      "msg": "The signer is not a registered challenger (`register_challenger`)."
    },
    {
      "code": 6070,
      "name": "ChallengeMismatch",
      "msg": "The label and salt do not hash to the request's attestation."
    },
    {
      "code": 6071,
      "name": "ChallengeTooEarly",
      "msg": "A challenge can be revealed only once the reveal phase is over, and before finalization."
    },
    {
      "code": 6072,
      "name": "ChallengeAlreadyRevealed",
      "msg": "The challenge of this request was already revealed."
    },
    {
      "code": 6073,
      "name": "FinalizeReservedForClient",
      "msg": "Until `FINALIZE_GRACE_SECS` after the deadline only the client may finalize."
    },
    {
      "code": 6074,
      "name": "NotDrawn",
      "msg": "The signer holds no drawn, unaccepted seat in this request: seats are drawn (`draw_seats`), not taken."
    },
    {
      "code": 6075,
      "name": "DrawTooEarly",
      "msg": "The draw's slot hash does not exist yet: draw after the slot following `draw_slot`."
    },
    {
      "code": 6076,
      "name": "DrawAccountMismatch",
      "msg": "A candidate account is not the worker at the drawn pool index (or a replaced seat's worker)."
    },
    {
      "code": 6077,
      "name": "NoWorkersToDraw",
      "msg": "No worker was registered when the request was submitted: nobody can be drawn."
    },
    {
      "code": 6078,
      "name": "MinWorkersBelowFloor",
      "msg": "min_workers is below the configuration's min_workers_floor."
    },
    {
      "code": 6079,
      "name": "NothingToDraw",
      "msg": "Every seat is drawn and none is uncommitted half a commit window after its draw: nothing to draw."
    },
    {
      "code": 6080,
      "name": "NotSlotHashesSysvar",
      "msg": "The slot-hashes account is not the SlotHashes sysvar."
    }
  ],
  "constants": [
    {
      "name": "BPS",
      "docs": [
        "Basis-point denominator: 10 000 bps = 100 %."
      ],
      "type": "u64",
      "value": "10000"
    },
    {
      "name": "WORKERS_BPS",
      "docs": [
        "Workers' share of a fee, in bps, divided equally among the paid workers."
      ],
      "type": "u64",
      "value": "6500"
    },
    {
      "name": "MODELS_BPS",
      "docs": [
        "Model developers' share of a fee, in bps, one part per paid worker's model."
      ],
      "type": "u64",
      "value": "2000"
    },
    {
      "name": "TREASURY_BPS",
      "docs": [
        "Treasury's share of a fee, in bps. Insurance gets the rest (5 % plus rounding dust)."
      ],
      "type": "u64",
      "value": "1000"
    },
    {
      "name": "SUPERMAJORITY_BPS",
      "docs": [
        "Leading share (bps of revealed weight) at or above which the consensus is Supermajority."
      ],
      "type": "u64",
      "value": "6667"
    },
    {
      "name": "MAJORITY_ABOVE_BPS",
      "docs": [
        "Leading share (bps of revealed weight) strictly above which the consensus is Majority."
      ],
      "type": "u64",
      "value": "5000"
    },
    {
      "name": "MAX_SEATS",
      "docs": [
        "Seats per request: the most workers one request can have."
      ],
      "type": "u32",
      "value": "10"
    },
    {
      "name": "MAX_URI_LEN",
      "docs": [
        "Longest storage URI, in bytes."
      ],
      "type": "u32",
      "value": "200"
    },
    {
      "name": "MAX_REPORT_URI_LEN",
      "docs": [
        "Longest report URI, in bytes."
      ],
      "type": "u32",
      "value": "128"
    },
    {
      "name": "MAX_WORKER_MODELS",
      "docs": [
        "Most models one worker declares."
      ],
      "type": "u32",
      "value": "4"
    },
    {
      "name": "MODEL_ID_LEN",
      "docs": [
        "Model id length: printable ASCII, zero-padded to this many bytes."
      ],
      "type": "u32",
      "value": "32"
    },
    {
      "name": "REPUTATION_MAX",
      "docs": [
        "Reputation scale: 10 000 = perfect."
      ],
      "type": "u16",
      "value": "10000"
    },
    {
      "name": "REPUTATION_START",
      "docs": [
        "Reputation of a new worker: half-way from a coin flip to a full vote (weight 5 000), so a new key earns its",
        "full vote on known answers, and one failed challenge (2α at the reference α, 10 %) takes a key that answers",
        "without looking to a coin flip."
      ],
      "type": "u16",
      "value": "6250"
    },
    {
      "name": "REPUTATION_COIN_FLIP",
      "docs": [
        "Reputation at or below which a worker votes with no weight: no better than a coin flip on known answers (a",
        "worker answering \"Authentic\" without looking fails half of the challenges and settles below it)."
      ],
      "type": "u16",
      "value": "5000"
    },
    {
      "name": "REPUTATION_FULL_WEIGHT",
      "docs": [
        "Reputation from which a vote weighs 10 000 (before the cap); between `REPUTATION_COIN_FLIP` and this the",
        "weight grows linearly. A worker right on about 82 % of known answers settles here."
      ],
      "type": "u16",
      "value": "7500"
    },
    {
      "name": "AGREEMENT_STEP_DIVISOR",
      "docs": [
        "Agreeing (or disagreeing) with a consensus moves reputation this many times slower than a known-answer",
        "challenge does: agreement is evidence of correctness only when the others looked."
      ],
      "type": "u16",
      "value": "50"
    },
    {
      "name": "MAX_CONFIDENCE",
      "docs": [
        "Highest confidence a worker may reveal."
      ],
      "type": "u8",
      "value": "100"
    },
    {
      "name": "NON_REVEAL_PENALTY_FACTOR",
      "docs": [
        "A non-revealer, or a worker failing a known-answer challenge, loses reputation this many times as fast as",
        "passing a challenge gains it."
      ],
      "type": "u16",
      "value": "2"
    },
    {
      "name": "MAX_BASE_FEE",
      "docs": [
        "Largest base fee of one modality, in lamports (configuration bound)."
      ],
      "type": "u64",
      "value": "1000000000000"
    },
    {
      "name": "MAX_REPUTATION_ALPHA_BPS",
      "docs": [
        "Largest reputation moving-average step, in bps (configuration bound)."
      ],
      "type": "u16",
      "value": "5000"
    },
    {
      "name": "MAX_UNBONDING_SECS",
      "docs": [
        "Longest unbonding delay, in seconds (configuration bound: one year)."
      ],
      "type": "i64",
      "value": "31536000"
    },
    {
      "name": "MIN_DEADLINE_SECS_FLOOR",
      "docs": [
        "Shortest allowed `min_deadline_secs` (configuration bound)."
      ],
      "type": "i64",
      "value": "60"
    },
    {
      "name": "MIN_DEADLINE_SECS_CEILING",
      "docs": [
        "Longest allowed `min_deadline_secs` (configuration bound: 30 days)."
      ],
      "type": "i64",
      "value": "2592000"
    },
    {
      "name": "MAX_MIN_CONSENSUS_WEIGHT",
      "docs": [
        "Largest `min_consensus_weight` (configuration bound)."
      ],
      "type": "u32",
      "value": "100000"
    },
    {
      "name": "MIN_BASE_FEE",
      "docs": [
        "Smallest base fee of one modality, in lamports (configuration bound): with fees at least this large, the",
        "rounding dust that goes to insurance (at most 2·(paid − 1) + 2 lamports) stays under 1 % of any fee."
      ],
      "type": "u64",
      "value": "10000"
    },
    {
      "name": "MIN_NON_REVEAL_SLASH_BPS",
      "docs": [
        "Smallest non-reveal slash, in bps of the request's per-seat reward (configuration bound): not revealing must",
        "cost at least what revealing would have earned."
      ],
      "type": "u16",
      "value": "10000"
    },
    {
      "name": "MAX_NON_REVEAL_SLASH_BPS",
      "docs": [
        "Largest non-reveal slash, in bps of the per-seat reward (configuration bound): a crash must not cost an honest",
        "worker more than a few requests' earnings."
      ],
      "type": "u16",
      "value": "60000"
    },
    {
      "name": "MAX_CHALLENGE_SLASH_BPS",
      "docs": [
        "Largest `challenge_slash_bps`: share of a worker's stake one failed known-answer challenge may take",
        "(configuration bound), so a wrong label costs an honest worker at most this much."
      ],
      "type": "u16",
      "value": "500"
    },
    {
      "name": "FINALIZE_GRACE_SECS",
      "docs": [
        "After the deadline, only the client may finalize for this long, so a challenger can reveal its label",
        "before anyone finalizes (workers cannot tell challenges apart, so none is finalized early to dodge one)."
      ],
      "type": "i64",
      "value": "120"
    },
    {
      "name": "MAX_INSURANCE_WITHDRAWAL_BPS",
      "docs": [
        "Largest share of the insurance vault (above rent) one `withdraw_insurance` may move, in bps."
      ],
      "type": "u16",
      "value": "1000"
    },
    {
      "name": "INSURANCE_WITHDRAWAL_INTERVAL_SECS",
      "docs": [
        "Shortest time between two `withdraw_insurance` calls, in seconds (7 days)."
      ],
      "type": "i64",
      "value": "604800"
    },
    {
      "name": "MAX_NO_CONSENSUS_FEE_BPS",
      "docs": [
        "Largest share of the fee charged when revealers reach no consensus, in bps (configuration bound)."
      ],
      "type": "u16",
      "value": "5000"
    },
    {
      "name": "MAX_DEADLINE_SECS_CEILING",
      "docs": [
        "Longest allowed `max_deadline_secs` (configuration bound: 30 days), so no seat locks stake longer."
      ],
      "type": "i64",
      "value": "2592000"
    },
    {
      "name": "MIN_SEAT_BOND_MULTIPLIER",
      "docs": [
        "Smallest seat bond multiplier (configuration bound): a seat that is never committed forfeits at least ten",
        "times what it would have earned."
      ],
      "type": "u16",
      "value": "10"
    },
    {
      "name": "MAX_SEAT_BOND_MULTIPLIER",
      "docs": [
        "Largest seat bond multiplier (configuration bound)."
      ],
      "type": "u16",
      "value": "100"
    },
    {
      "name": "DRAW_DELAY_SLOTS",
      "docs": [
        "A request's draw uses the hash of this many slots after its submission slot (or the first slot produced",
        "after it): a hash the client cannot know when it submits."
      ],
      "type": "u64",
      "value": "1"
    },
    {
      "name": "DRAW_FULL_ODDS_WEIGHT",
      "docs": [
        "Voting weight (before the cap) from which a draw candidate wins its whole stake lottery: a newcomer's. Below it",
        "the lottery shrinks in proportion (`draw::odds`), down to `DRAW_WEIGHT_FLOOR`."
      ],
      "type": "u16",
      "value": "5000"
    },
    {
      "name": "DRAW_WEIGHT_FLOOR",
      "docs": [
        "Least share of its stake lottery, in bps, a draw candidate keeps: a worker at or below a coin flip on known",
        "answers (weight 0) still wins `min(stake, cap) × 1 000 / 10 000` of it, a newcomer or better all of it."
      ],
      "type": "u16",
      "value": "1000"
    },
    {
      "name": "MAX_MIN_WORKERS_FLOOR",
      "docs": [
        "Largest `min_workers_floor` (configuration bound)."
      ],
      "type": "u8",
      "value": "10"
    },
    {
      "name": "MIN_REVEALS_FOR_REPUTATION",
      "docs": [
        "Fewest revealers for agreeing with the consensus to raise reputation (one key cannot farm it alone)."
      ],
      "type": "u8",
      "value": "3"
    },
    {
      "name": "COMMIT_DOMAIN",
      "docs": [
        "Domain separator of commitments."
      ],
      "type": "bytes",
      "value": "[100, 102, 112, 110, 45, 99, 111, 109, 109, 105, 116, 45, 118, 50]"
    },
    {
      "name": "DRAW_DOMAIN",
      "docs": [
        "Domain tag of a request's draw seed: `sha256(DRAW_DOMAIN ‖ request ‖ slot hash)`; candidate `k` is",
        "`sha256(seed ‖ k as u32 LE)`, its first 8 bytes (LE, modulo the pool size at submission) a worker's",
        "`pool_index`, the next 8 (LE, modulo `draw_stake_cap`) its stake lottery."
      ],
      "type": "bytes",
      "value": "[100, 102, 112, 110, 45, 100, 114, 97, 119, 45, 118, 49]"
    },
    {
      "name": "CHALLENGE_DOMAIN",
      "docs": [
        "Domain tag of a challenge's attestation: `sha256(CHALLENGE_DOMAIN ‖ request ‖ label ‖ salt)`."
      ],
      "type": "bytes",
      "value": "[100, 102, 112, 110, 45, 99, 104, 97, 108, 108, 101, 110, 103, 101, 45, 118, 49]"
    },
    {
      "name": "MODALITY_IMAGE_AUTHENTICITY",
      "docs": [
        "Image authenticity (bit 0)."
      ],
      "type": "u8",
      "value": "1"
    },
    {
      "name": "MODALITY_FACE_MANIPULATION",
      "docs": [
        "Face manipulation (bit 1)."
      ],
      "type": "u8",
      "value": "2"
    },
    {
      "name": "MODALITY_AI_GENERATED_IMAGE",
      "docs": [
        "AI-generated image (bit 2)."
      ],
      "type": "u8",
      "value": "4"
    },
    {
      "name": "MODALITY_VIDEO_AUTHENTICITY",
      "docs": [
        "Video authenticity (bit 3)."
      ],
      "type": "u8",
      "value": "8"
    },
    {
      "name": "MODALITY_VOICE_CLONING",
      "docs": [
        "Voice cloning (bit 4)."
      ],
      "type": "u8",
      "value": "16"
    },
    {
      "name": "MODALITY_COUNT",
      "docs": [
        "Number of modalities (the length of `ConfigParams.base_fees`)."
      ],
      "type": "u32",
      "value": "5"
    },
    {
      "name": "MODALITY_ALL",
      "docs": [
        "Every modality's bit."
      ],
      "type": "u8",
      "value": "31"
    },
    {
      "name": "VERDICT_INCONCLUSIVE",
      "docs": [
        "No usable answer."
      ],
      "type": "u8",
      "value": "0"
    },
    {
      "name": "VERDICT_AUTHENTIC",
      "docs": [
        "The media is authentic."
      ],
      "type": "u8",
      "value": "1"
    },
    {
      "name": "VERDICT_MANIPULATED",
      "docs": [
        "The media is manipulated."
      ],
      "type": "u8",
      "value": "2"
    },
    {
      "name": "VERDICT_COUNT",
      "docs": [
        "Number of verdicts."
      ],
      "type": "u32",
      "value": "3"
    },
    {
      "name": "CONSENSUS_NONE",
      "docs": [
        "No consensus (no reveals, too little weight, a tie, or no majority)."
      ],
      "type": "u8",
      "value": "0"
    },
    {
      "name": "CONSENSUS_UNANIMOUS",
      "docs": [
        "Every revealed weight agreed."
      ],
      "type": "u8",
      "value": "1"
    },
    {
      "name": "CONSENSUS_SUPERMAJORITY",
      "docs": [
        "At least `SUPERMAJORITY_BPS` of the revealed weight agreed."
      ],
      "type": "u8",
      "value": "2"
    },
    {
      "name": "CONSENSUS_MAJORITY",
      "docs": [
        "More than `MAJORITY_ABOVE_BPS` of the revealed weight agreed."
      ],
      "type": "u8",
      "value": "3"
    },
    {
      "name": "REQUEST_STATUS_OPEN",
      "docs": [
        "Accepting seats, commits and reveals."
      ],
      "type": "u8",
      "value": "0"
    },
    {
      "name": "REQUEST_STATUS_FINALIZED",
      "docs": [
        "Aggregated and paid out."
      ],
      "type": "u8",
      "value": "1"
    },
    {
      "name": "REQUEST_STATUS_EXPIRED",
      "docs": [
        "Too few commitments; the escrow went back."
      ],
      "type": "u8",
      "value": "2"
    },
    {
      "name": "SEAT_STATE_JOINED",
      "docs": [
        "Accepted its drawn seat (bond locked), nothing committed yet."
      ],
      "type": "u8",
      "value": "0"
    },
    {
      "name": "SEAT_STATE_COMMITTED",
      "docs": [
        "Committed the hash of its answer."
      ],
      "type": "u8",
      "value": "1"
    },
    {
      "name": "SEAT_STATE_REVEALED",
      "docs": [
        "Revealed its answer."
      ],
      "type": "u8",
      "value": "2"
    },
    {
      "name": "SEAT_STATE_DRAWN",
      "docs": [
        "Drawn for the seat, not yet accepted (`join_request`): no bond locked yet."
      ],
      "type": "u8",
      "value": "3"
    },
    {
      "name": "SEEDS_CONFIG",
      "docs": [
        "Configuration PDA `[\"config\"]`."
      ],
      "type": "bytes",
      "value": "[99, 111, 110, 102, 105, 103]"
    },
    {
      "name": "SEEDS_TREASURY",
      "docs": [
        "Treasury vault PDA `[\"treasury\"]`."
      ],
      "type": "bytes",
      "value": "[116, 114, 101, 97, 115, 117, 114, 121]"
    },
    {
      "name": "SEEDS_INSURANCE",
      "docs": [
        "Insurance vault PDA `[\"insurance\"]`."
      ],
      "type": "bytes",
      "value": "[105, 110, 115, 117, 114, 97, 110, 99, 101]"
    },
    {
      "name": "SEEDS_MODEL",
      "docs": [
        "Model PDA `[\"model\", registrant, model_id]`: ids are scoped by the developer that registered them."
      ],
      "type": "bytes",
      "value": "[109, 111, 100, 101, 108]"
    },
    {
      "name": "SEEDS_WORKER",
      "docs": [
        "Worker PDA `[\"worker\", authority]`."
      ],
      "type": "bytes",
      "value": "[119, 111, 114, 107, 101, 114]"
    },
    {
      "name": "SEEDS_CHALLENGER",
      "docs": [
        "Challenger PDA `[\"challenger\", authority]`: a key governance lets reveal known-answer challenges."
      ],
      "type": "bytes",
      "value": "[99, 104, 97, 108, 108, 101, 110, 103, 101, 114]"
    },
    {
      "name": "SEEDS_REQUEST",
      "docs": [
        "Request PDA `[\"request\", client, nonce u64 LE]`."
      ],
      "type": "bytes",
      "value": "[114, 101, 113, 117, 101, 115, 116]"
    }
  ],
  "types": [
    {
      "name": "ConfigParams",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "base_fees",
            "type": {
              "array": [
                "u64",
                5
              ]
            }
          },
          {
            "name": "worker_surcharge_bps",
            "type": "u16"
          },
          {
            "name": "non_reveal_slash_bps",
            "type": "u16"
          },
          {
            "name": "max_weight_bps",
            "type": "u16"
          },
          {
            "name": "reputation_alpha_bps",
            "type": "u16"
          },
          {
            "name": "min_stake",
            "type": "u64"
          },
          {
            "name": "unbonding_secs",
            "type": "i64"
          },
          {
            "name": "min_deadline_secs",
            "type": "i64"
          },
          {
            "name": "reveal_window_secs",
            "type": "i64"
          },
          {
            "name": "min_consensus_weight",
            "type": "u32"
          },
          {
            "name": "max_deadline_secs",
            "type": "i64"
          },
          {
            "name": "no_consensus_fee_bps",
            "type": "u16"
          },
          {
            "name": "seat_bond_multiplier",
            "type": "u16"
          },
          {
            "name": "challenge_slash_bps",
            "type": "u16"
          },
          {
            "name": "min_workers_floor",
            "type": "u8"
          },
          {
            "name": "draw_stake_cap",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "Seat",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "commitment",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "report_hash",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "model",
            "type": "pubkey"
          },
          {
            "name": "state",
            "type": "u8"
          },
          {
            "name": "verdict",
            "type": "u8"
          },
          {
            "name": "confidence",
            "type": "u8"
          },
          {
            "name": "report_uri_len",
            "type": "u8"
          },
          {
            "name": "report_uri",
            "type": {
              "array": [
                "u8",
                128
              ]
            }
          },
          {
            "name": "drawn_at",
            "type": "i64"
          }
        ]
      }
    },
    {
      "name": "Config",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "treasury",
            "type": "pubkey"
          },
          {
            "name": "insurance",
            "type": "pubkey"
          },
          {
            "name": "params",
            "type": {
              "defined": {
                "name": "ConfigParams"
              }
            }
          },
          {
            "name": "paused",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "treasury_bump",
            "type": "u8"
          },
          {
            "name": "insurance_bump",
            "type": "u8"
          },
          {
            "name": "request_count",
            "type": "u64"
          },
          {
            "name": "pending_authority",
            "type": "pubkey"
          },
          {
            "name": "insurance_withdrawn_at",
            "type": "i64"
          },
          {
            "name": "worker_count",
            "type": "u32"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                9
              ]
            }
          }
        ]
      }
    },
    {
      "name": "Vault",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "kind",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                6
              ]
            }
          }
        ]
      }
    },
    {
      "name": "Model",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "model_id",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "developer",
            "type": "pubkey"
          },
          {
            "name": "payout_wallet",
            "type": "pubkey"
          },
          {
            "name": "modalities",
            "type": "u8"
          },
          {
            "name": "active",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "reserved0",
            "type": "u8"
          },
          {
            "name": "uses",
            "type": "u64"
          },
          {
            "name": "earned_total",
            "type": "u64"
          },
          {
            "name": "unclaimed",
            "type": "u64"
          },
          {
            "name": "registered_at",
            "type": "i64"
          },
          {
            "name": "pending_developer",
            "type": "pubkey"
          },
          {
            "name": "registrant",
            "type": "pubkey"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          }
        ]
      }
    },
    {
      "name": "Worker",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "stake",
            "type": "u64"
          },
          {
            "name": "unbonding_amount",
            "type": "u64"
          },
          {
            "name": "unbonding_ends_at",
            "type": "i64"
          },
          {
            "name": "rewards",
            "type": "u64"
          },
          {
            "name": "reputation",
            "type": "u16"
          },
          {
            "name": "active_seats",
            "type": "u16"
          },
          {
            "name": "modalities",
            "type": "u8"
          },
          {
            "name": "model_count",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "reserved0",
            "type": "u8"
          },
          {
            "name": "models",
            "type": {
              "array": [
                "pubkey",
                4
              ]
            }
          },
          {
            "name": "jobs_done",
            "type": "u64"
          },
          {
            "name": "jobs_agreed",
            "type": "u64"
          },
          {
            "name": "slashed_total",
            "type": "u64"
          },
          {
            "name": "registered_at",
            "type": "i64"
          },
          {
            "name": "bonded",
            "type": "u64"
          },
          {
            "name": "pool_index",
            "type": "u32"
          },
          {
            "name": "eligible_since_slot",
            "type": "u64"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                12
              ]
            }
          }
        ]
      }
    },
    {
      "name": "Request",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "client",
            "type": "pubkey"
          },
          {
            "name": "nonce",
            "type": "u64"
          },
          {
            "name": "content_hash",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "modalities",
            "type": "u8"
          },
          {
            "name": "min_workers",
            "type": "u8"
          },
          {
            "name": "max_workers",
            "type": "u8"
          },
          {
            "name": "status",
            "type": "u8"
          },
          {
            "name": "joined",
            "type": "u8"
          },
          {
            "name": "commits",
            "type": "u8"
          },
          {
            "name": "reveals",
            "type": "u8"
          },
          {
            "name": "verdict",
            "type": "u8"
          },
          {
            "name": "confidence",
            "type": "u8"
          },
          {
            "name": "consensus",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "storage_uri_len",
            "type": "u8"
          },
          {
            "name": "storage_uri",
            "type": {
              "array": [
                "u8",
                200
              ]
            }
          },
          {
            "name": "fee",
            "type": "u64"
          },
          {
            "name": "escrow",
            "type": "u64"
          },
          {
            "name": "created_at",
            "type": "i64"
          },
          {
            "name": "commit_deadline",
            "type": "i64"
          },
          {
            "name": "deadline",
            "type": "i64"
          },
          {
            "name": "finalized_at",
            "type": "i64"
          },
          {
            "name": "non_reveal_slash_bps",
            "type": "u16"
          },
          {
            "name": "reputation_alpha_bps",
            "type": "u16"
          },
          {
            "name": "max_weight_bps",
            "type": "u16"
          },
          {
            "name": "no_consensus_fee_bps",
            "type": "u16"
          },
          {
            "name": "min_consensus_weight",
            "type": "u32"
          },
          {
            "name": "seat_bond",
            "type": "u64"
          },
          {
            "name": "challenge_slash_bps",
            "type": "u16"
          },
          {
            "name": "challenged",
            "type": "u8"
          },
          {
            "name": "challenge_label",
            "type": "u8"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                12
              ]
            }
          },
          {
            "name": "draw_slot",
            "type": "u64"
          },
          {
            "name": "draw_seed",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "draw_cursor",
            "type": "u32"
          },
          {
            "name": "pool_count",
            "type": "u32"
          },
          {
            "name": "attestation",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "seats",
            "type": {
              "array": [
                {
                  "defined": {
                    "name": "Seat"
                  }
                },
                10
              ]
            }
          }
        ]
      }
    },
    {
      "name": "Challenger",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "registered_at",
            "type": "i64"
          },
          {
            "name": "challenges",
            "type": "u64"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                31
              ]
            }
          }
        ]
      }
    },
    {
      "name": "ConfigInitialized",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "ConfigUpdated",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "PauseSet",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "paused",
            "type": "bool"
          }
        ]
      }
    },
    {
      "name": "TreasuryWithdrawn",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "recipient",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "ModelRegistered",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "model",
            "type": "pubkey"
          },
          {
            "name": "model_id",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "developer",
            "type": "pubkey"
          },
          {
            "name": "payout_wallet",
            "type": "pubkey"
          },
          {
            "name": "modalities",
            "type": "u8"
          }
        ]
      }
    },
    {
      "name": "ModelUpdated",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "model",
            "type": "pubkey"
          },
          {
            "name": "payout_wallet",
            "type": "pubkey"
          },
          {
            "name": "modalities",
            "type": "u8"
          }
        ]
      }
    },
    {
      "name": "ModelDeactivated",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "model",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "ModelFeesClaimed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "model",
            "type": "pubkey"
          },
          {
            "name": "payout_wallet",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "WorkerRegistered",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "stake",
            "type": "u64"
          },
          {
            "name": "modalities",
            "type": "u8"
          }
        ]
      }
    },
    {
      "name": "StakeAdded",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          },
          {
            "name": "stake",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "WorkerUpdated",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "modalities",
            "type": "u8"
          },
          {
            "name": "model_count",
            "type": "u8"
          }
        ]
      }
    },
    {
      "name": "UnstakeRequested",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          },
          {
            "name": "available_at",
            "type": "i64"
          }
        ]
      }
    },
    {
      "name": "StakeWithdrawn",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "WorkerRewardsClaimed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "RequestSubmitted",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "client",
            "type": "pubkey"
          },
          {
            "name": "nonce",
            "type": "u64"
          },
          {
            "name": "content_hash",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "storage_uri",
            "type": "string"
          },
          {
            "name": "modalities",
            "type": "u8"
          },
          {
            "name": "min_workers",
            "type": "u8"
          },
          {
            "name": "max_workers",
            "type": "u8"
          },
          {
            "name": "fee",
            "type": "u64"
          },
          {
            "name": "escrow",
            "type": "u64"
          },
          {
            "name": "commit_deadline",
            "type": "i64"
          },
          {
            "name": "deadline",
            "type": "i64"
          }
        ]
      }
    },
    {
      "name": "WorkerJoined",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "seat",
            "type": "u8"
          }
        ]
      }
    },
    {
      "name": "ResultCommitted",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "commitment",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          }
        ]
      }
    },
    {
      "name": "ResultRevealed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "verdict",
            "type": "u8"
          },
          {
            "name": "confidence",
            "type": "u8"
          },
          {
            "name": "model",
            "type": "pubkey"
          },
          {
            "name": "report_hash",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "report_uri",
            "type": "string"
          }
        ]
      }
    },
    {
      "name": "RequestFinalized",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "verdict",
            "type": "u8"
          },
          {
            "name": "confidence",
            "type": "u8"
          },
          {
            "name": "consensus",
            "type": "u8"
          },
          {
            "name": "commits",
            "type": "u8"
          },
          {
            "name": "reveals",
            "type": "u8"
          },
          {
            "name": "fee_charged",
            "type": "u64"
          },
          {
            "name": "refund",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "WorkerPaid",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          },
          {
            "name": "model",
            "type": "pubkey"
          },
          {
            "name": "model_amount",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "WorkerSlashed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          },
          {
            "name": "reputation",
            "type": "u16"
          }
        ]
      }
    },
    {
      "name": "RequestExpired",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "refund",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "RequestClosed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "rent_returned",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "AuthorityProposed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "proposed",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "AuthorityTransferred",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "authority",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "WorkerLeft",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "worker",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "InsuranceWithdrawn",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "recipient",
            "type": "pubkey"
          },
          {
            "name": "amount",
            "type": "u64"
          }
        ]
      }
    },
    {
      "name": "ModelTransferProposed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "model",
            "type": "pubkey"
          },
          {
            "name": "proposed",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "ModelTransferred",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "model",
            "type": "pubkey"
          },
          {
            "name": "developer",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "ChallengerRegistered",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "challenger",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "ChallengerRemoved",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "challenger",
            "type": "pubkey"
          }
        ]
      }
    },
    {
      "name": "ChallengeRevealed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "label",
            "type": "u8"
          }
        ]
      }
    },
    {
      "name": "SeatDrawn",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "worker",
            "type": "pubkey"
          },
          {
            "name": "seat",
            "type": "u8"
          }
        ]
      }
    },
    {
      "name": "DrawRearmed",
      "type": {
        "kind": "struct",
        "fields": [
          {
            "name": "request",
            "type": "pubkey"
          },
          {
            "name": "draw_slot",
            "type": "u64"
          }
        ]
      }
    }
  ]
} as const;

/** sha256 of idl/dfpn.json as generated from. */
export const DFPN_IDL_SHA256 = 'dd76af4cca9d718656c55e14a6c07cc3a74c0f385ea9ea3945516928a3a227c3';
