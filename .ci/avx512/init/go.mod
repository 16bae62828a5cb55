module init

go 1.26
