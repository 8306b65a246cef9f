#!/bin/sh
# Makes the TLS tests' certificates at run time with the openssl command-line tool:
#
#   ca.pem            the test CA the tests trust (ca.key signs)
#   server.pem        localhost, 127.0.0.1 and ::1, valid now       (all leaves: leaf.key)
#   expired.pem       the same names, valid 2020-01-01 .. 2021-01-01
#   future.pem        the same names, valid only from 2090
#   wronghost.pem     valid now, but for wrong.example only
#   untrusted.pem     valid now, signed by another CA (other-ca.pem) nobody trusts
#   selfsigned.pem    valid now, signed by its own key
#   chain.pem         server.pem followed by ca.pem (a chain file)
#   garbage.pem       not PEM at all
#   wildcard.pem      valid now, for DNS:*.test.example only
#   partial-wildcard.pem  valid now, for DNS:f*.test.example only (a partial wildcard)
#   cn-only.pem       valid now, CN=localhost and no subjectAltName at all
#   leaf-encrypted.key  leaf.key encrypted (AES-256) with the pass phrase in passphrase.txt
#   ca-dir/           ca.pem under its subject-hash name, for add_verify_path()
#
#   make_certs.sh DIR
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
rm -rf ca-db && mkdir ca-db
: > ca-db/index.txt
echo 1000 > ca-db/serial

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A CA: self-signed, CA:TRUE.
make_ca() {  # make_ca NAME "CN"
    new_key "$1.key"
    openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 30 -subj "/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
make_ca ca "portsock test CA"
make_ca other-ca "portsock untrusted CA"
new_key leaf.key

cat > ca.cnf <<'CONF'
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = ca-db
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
email_in_dn = no
[ any_name ]
commonName = supplied
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = $ENV::SAN
[ leaf_no_san ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
CONF

# sign NAME CA "CN" SAN START END: a leaf certificate for leaf.key with explicit dates
# (an empty SAN: no subjectAltName extension at all).
sign() {
    openssl req -new -key leaf.key -subj "/CN=$3" -out "$1.csr"
    extensions=leaf
    [ -n "$4" ] || extensions=leaf_no_san
    SAN=${4:-unused} openssl ca -batch -config ca.cnf -extensions "$extensions" -notext \
        -cert "$2.pem" -keyfile "$2.key" -in "$1.csr" -out "$1.pem" \
        -startdate "$5" -enddate "$6" 2>/dev/null
}
now=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)
later=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
local_names="DNS:localhost,IP:127.0.0.1,IP:::1"
sign server ca localhost "$local_names" "$now" "$later"
sign expired ca localhost "$local_names" 20200101000000Z 20210101000000Z
sign future ca localhost "$local_names" 20900101000000Z 20910101000000Z
sign wronghost ca wrong.example "DNS:wrong.example" "$now" "$later"
sign untrusted other-ca localhost "$local_names" "$now" "$later"
openssl req -x509 -new -key leaf.key -out selfsigned.pem -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=$local_names"
sign wildcard ca "*.test.example" "DNS:*.test.example" "$now" "$later"
sign partial-wildcard ca "f*.test.example" "DNS:f*.test.example" "$now" "$later"
sign cn-only ca localhost "" "$now" "$later"
cat server.pem ca.pem > chain.pem
printf 'portsock pass phrase' > passphrase.txt
openssl pkey -in leaf.key -aes256 -passout file:passphrase.txt -out leaf-encrypted.key
rm -rf ca-dir && mkdir ca-dir
cp ca.pem "ca-dir/$(openssl x509 -hash -noout -in ca.pem).0"
printf 'this is not a PEM file\n' > garbage.pem
rm -f ./*.csr
echo "certificates in $dir"
