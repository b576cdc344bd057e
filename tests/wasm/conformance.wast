;; Wasm 2.0 rules that the official test suite checks and this engine once
;; got wrong: constant expressions, byte-string names, and which errors are
;; malformed (binary format) rather than invalid.

;; Constant expressions may read only imported (immutable) globals.
(assert_invalid (module (global i32 (i32.const 0)) (memory 1) (data (global.get 0) "")) "unknown global")
(assert_invalid (module (global i32 (i32.const 0)) (table 1 funcref) (elem (global.get 0) func)) "unknown global")
(assert_invalid
  (module (global funcref (ref.null func)) (table 1 funcref)
    (elem (table 0) (i32.const 0) funcref (global.get 0)))
  "unknown global")
(assert_invalid (module (global i32 (i32.const 0)) (global i32 (global.get 0))) "unknown global")
(module
  (import "spectest" "global_i32" (global i32))
  (memory 1)
  (data (global.get 0) "\2a")
  (func (export "load") (result i32) (i32.load8_u (i32.const 666))))
(assert_return (invoke "load") (i32.const 42))
(module $R (global (export "at") i32 (i32.const 1)))
(register "R" $R)
(module
  (import "R" "at" (global $at i32))
  (table 2 funcref)
  (func $eight (result i32) (i32.const 8))
  (elem (global.get $at) $eight)
  (func (export "call") (result i32) (call_indirect (result i32) (global.get $at))))
(assert_return (invoke "call") (i32.const 8))

;; A constant expression leaves exactly one value.
(assert_invalid (module (global i32 (i32.const 0) (i32.const 1))) "type mismatch")
(assert_invalid (module binary "\00asm\01\00\00\00" "\06\04\01\7f\00\0b") "type mismatch")
(assert_invalid (module (memory 1) (data (offset (i32.const 0) (i32.const 0)) "")) "type mismatch")
(assert_invalid (module (global i32 (nop) (i32.const 0))) "constant expression required")
(assert_invalid (module (global i32 (block (result i32) (i32.const 0)))) "constant expression required")

;; Export names are byte strings: NUL is an ordinary byte.
(module $N
  (func (export "a") (result i32) (i32.const 1))
  (func (export "a\00") (result i32) (i32.const 2))
  (func (export "a\00b") (result i32) (i32.const 3))
  (func (export "\00") (result i32) (i32.const 4))
  (func (export "") (result i32) (i32.const 5)))
(assert_return (invoke "a") (i32.const 1))
(assert_return (invoke "a\00") (i32.const 2))
(assert_return (invoke "a\00b") (i32.const 3))
(assert_return (invoke "\00") (i32.const 4))
(assert_return (invoke "") (i32.const 5))
(assert_invalid (module (func (export "a\00")) (func (export "a\00"))) "duplicate export name")
(register "m\00x" $N)
(module (import "m\00x" "a\00b" (func $f (result i32))) (func (export "f") (result i32) (call $f)))
(assert_return (invoke "f") (i32.const 3))
(assert_unlinkable (module (import "m" "a\00b" (func (result i32)))) "unknown import")
(assert_unlinkable (module (import "m\00x" "a\00c" (func (result i32)))) "unknown import")

;; Malformed, not invalid: the binary format is checked in full first.
;; br_table declaring 1 target but giving 2: the default (1) is followed by
;; a "block" whose type byte is `end`, and the body ends inside it.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
  "\0a\0f\01\0d\00\02\40\41\01\0e\01\00\01\02\0b\0b\0b") "unexpected end")
;; br_table declaring 2 targets but giving 1: `end` is read as a label.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
  "\0a\0d\01\0b\00\02\40\41\01\0e\02\00\01\0b\0b") "unexpected end")
;; A passive element segment with an opcode that does not exist.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
  "\04\04\01\70\00\00" "\09\07\01\05\70\01\d3\00\0b" "\0a\04\01\02\00\0b") "illegal opcode")
;; A passive element segment of a type that is not a reference type.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
  "\04\04\01\70\00\00" "\09\07\01\05\7f\01\d2\00\0b" "\0a\04\01\02\00\0b") "malformed reference type")
;; A global initializer with an opcode that does not exist.
(assert_malformed (module binary "\00asm\01\00\00\00" "\06\05\01\7f\00\06\0b") "illegal opcode")
;; A function of an unknown type and no code section.
(assert_malformed (module binary "\00asm\01\00\00\00" "\03\02\01\00")
  "function and code section have inconsistent lengths")
;; Memory limits minimum > maximum, then a bad data segment kind.
(assert_malformed (module binary "\00asm\01\00\00\00" "\05\04\01\01\02\01" "\0b\06\01\03\03abc")
  "malformed data segment kind")
;; An invalid body (i32.add on nothing), then a body with an illegal opcode.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\03\02\00\00"
  "\0a\09\02\03\00\6a\0b\03\00\ff\0b") "illegal opcode")
;; A block type that is a negative index.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
  "\0a\07\01\05\00\02\60\0b\0b") "malformed block type")
;; Still invalid: well-formed, with select of two types and a data segment
;; for memory 1.
(assert_invalid (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
  "\0a\0f\01\0d\00\41\00\41\00\41\00\1c\02\7f\7f\1a\0b") "invalid result arity")
(assert_invalid (module binary "\00asm\01\00\00\00" "\05\03\01\00\01" "\0b\07\01\02\01\41\00\0b\00")
  "unknown memory")
