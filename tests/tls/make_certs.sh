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
CONF

# sign NAME CA "CN" SAN START END: a leaf certificate for leaf.key with explicit dates.
sign() {
    openssl req -new -key leaf.key -subj "/CN=$3" -out "$1.csr"
    SAN=$4 openssl ca -batch -config ca.cnf -extensions leaf -notext \
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
cat server.pem ca.pem > chain.pem
printf 'this is not a PEM file\n' > garbage.pem
rm -f ./*.csr
echo "certificates in $dir"
