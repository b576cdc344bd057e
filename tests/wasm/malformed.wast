;; Malformed binaries: every one must be refused by the decoder.
(assert_malformed (module binary "") "unexpected end")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_malformed (module binary "\00asn\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm\01\00\00") "unexpected end")
;; Section framing.
(assert_malformed (module binary "\00asm\01\00\00\00" "\0d\00") "malformed section id")
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\00") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\00\00") "section size mismatch")
(assert_malformed (module binary "\00asm\01\00\00\00" "\03\01\00" "\01\01\00") "unexpected content after last section")
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\01\00" "\01\01\00") "unexpected content after last section")
(assert_malformed (module binary "\00asm\01\00\00\00" "\00\02\05a") "unexpected end")
;; LEB128: at most ceil(N/7) bytes, unused bits zero (or sign copies).
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\86\80\80\80\80\00\00") "integer representation too long")
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\81\80\80\80\10\00") "integer too large")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\0b\01\09\00\41\80\80\80\80\70\1a\0b") "integer too large")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\0b\01\09\00\41\ff\ff\ff\ff\4f\1a\0b") "integer too large")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\10\01\0e\00\42\80\80\80\80\80\80\80\80\80\02\1a\0b") "integer too large")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\10\01\0e\00\42\80\80\80\80\80\80\80\80\80\80\1a\0b") "integer representation too long")
;; Padded (non-minimal) LEB128 within the limit is valid.
(module binary "\00asm\01\00\00\00" "\01\84\80\80\80\00\01\60\00\00")
(module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\0b\01\09\00\41\ff\ff\ff\ff\7f\1a\0b")
;; Types, imports, limits, globals.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\61\00\00") "malformed function type")
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\05\01\60\01\7b\00") "malformed value type")
(assert_malformed (module binary "\00asm\01\00\00\00" "\02\07\01\01m\01n\04\00") "malformed import kind")
(assert_malformed (module binary "\00asm\01\00\00\00" "\02\07\01\01\ff\01n\00\00") "malformed UTF-8 encoding")
(assert_malformed (module binary "\00asm\01\00\00\00" "\02\08\01\02\ed\a0\01n\00\00") "malformed UTF-8 encoding")
(assert_malformed (module binary "\00asm\01\00\00\00" "\05\03\01\02\00") "integer too large")
(assert_malformed (module binary "\00asm\01\00\00\00" "\06\06\01\7f\02\41\00\0b") "malformed mutability")
(assert_malformed (module binary "\00asm\01\00\00\00" "\04\04\01\6e\00\00") "malformed reference type")
(assert_malformed (module binary "\00asm\01\00\00\00" "\07\05\01\01a\04\00") "malformed export kind")
;; Function and code sections.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00")
  "function and code section have inconsistent lengths")
(assert_malformed (module binary "\00asm\01\00\00\00" "\0a\04\01\02\00\0b")
  "function and code section have inconsistent lengths")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\04\01\02\00\00") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\05\01\03\00\0b\0b") "section size mismatch")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\05\01\03\00\ff\0b") "illegal opcode")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\06\01\04\00\fc\12\0b") "illegal opcode")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\0c\01\0a\02\ff\ff\ff\ff\0f\7f\02\7e\0b") "too many locals")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01" "\0a\07\01\05\00\3f\01\1a\0b") "zero byte expected")
(assert_malformed (module binary "\00asm\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00" "\0a\05\01\03\00\05\0b") "else without matching if")
;; Segments and the data count.
(assert_malformed (module binary "\00asm\01\00\00\00" "\05\03\01\00\01" "\0c\01\02" "\0b\06\01\01\03abc")
  "data count and data section have inconsistent lengths")
(assert_malformed (module binary "\00asm\01\00\00\00" "\05\03\01\00\01" "\0c\01\01")
  "data count and data section have inconsistent lengths")
(assert_malformed (module binary "\00asm\01\00\00\00" "\05\03\01\00\01" "\0b\06\01\03\03abc")
  "malformed data segment kind")
(assert_malformed (module binary "\00asm\01\00\00\00" "\05\03\01\00\01" "\0b\06\01\01\05abc")
  "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00\00" "\09\03\01\08\00") "malformed elements segment kind")
(module binary "\00asm\01\00\00\00" "\05\03\01\00\01" "\0c\01\01" "\0b\06\01\01\03abc")
;; Text-format cases are not this engine's business: the runner counts
;; them as skipped, never as passed.
(assert_malformed (module quote "(func (i32.const 0x1_0000_0000) (drop))") "constant out of range")
