package io.mailtrace.app.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevSecretsTest {
  @TempDir
  Path dir;

  @Test
  void createsEverySecretOnceWithMode0600() throws Exception {
    DevPaths paths = new DevPaths(dir.resolve("data"));
    DevSecrets.DemoAccount first = new DevSecrets(paths).ensure();
    List<Path> secrets = List.of(paths.sharedDkimKey(), paths.jwtSecret(), paths.masterKey(), paths.tlsCert(), paths.tlsKey(), paths.demoAccount());
    for (Path p : secrets) {
      assertThat(p).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString()).isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.secrets()))).isEqualTo("rwx------");

    RSAPrivateCrtKey dkim = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(paths.sharedDkimKey())));
    io.mailtrace.testkit.KeyMaterialRegistry.remember(dkim); // for the suite-wide leak scan
    io.mailtrace.testkit.KeyMaterialRegistry.rememberPem(Files.readString(paths.tlsKey()));
    assertThat(dkim.getModulus().bitLength()).isEqualTo(2048);
    assertThat(Files.readString(paths.sharedDkimRecord())).startsWith("dev._domainkey.mailtrace.test. IN TXT \"v=DKIM1; k=rsa; p=");
    assertThat(Base64.getDecoder().decode(Files.readString(paths.masterKey()).trim())).hasSize(32);
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(paths.tlsCert())));
    cert.checkValidity();
    assertThat(cert.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList()).contains("localhost", "127.0.0.1");
    assertThat(first.user()).isEqualTo(DevSecrets.DEMO_USER);
    assertThat(first.password()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(first.toString()).doesNotContain(first.password());

    // a second start keeps every file byte for byte
    List<byte[]> before = secrets.stream().map(DevSecretsTest::read).toList();
    DevSecrets.DemoAccount second = new DevSecrets(paths).ensure();
    assertThat(second).isEqualTo(first);
    assertThat(secrets.stream().map(DevSecretsTest::read).toList()).usingRecursiveComparison().isEqualTo(before);
  }

  private static byte[] der(Path pem) throws Exception {
    String s = Files.readString(pem);
    assertThat(s).startsWith("-----BEGIN PRIVATE KEY-----\n");
    return Base64.getMimeDecoder().decode(s.replaceAll("-----[A-Z ]+-----", ""));
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
