module weft.dev/go/weft

go 1.22
