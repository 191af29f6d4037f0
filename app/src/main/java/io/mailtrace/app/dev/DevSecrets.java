package io.mailtrace.app.dev;

import io.mailtrace.signer.dkim.PemKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates, once, the secrets {@code mailtrace dev} needs in its data directory, each file mode
 * 0600 in a 0700 directory: the shared DKIM key (RSA-2048, PKCS#8 PEM) and its DNS record, the
 * JWT secret, the key-encryption master key (32 random bytes, base64), a self-signed TLS
 * certificate for STARTTLS and the demo account's password. Existing files are never replaced,
 * so a second start keeps every key. Runs on the main thread before Vert.x starts.
 */
public final class DevSecrets {
  public static final String SHARED_DOMAIN = "mailtrace.test";
  public static final String SHARED_SELECTOR = "dev";
  public static final String DEMO_DOMAIN = "demo.mailtrace.test";
  public static final String DEMO_USER = "demo@" + DEMO_DOMAIN;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final DevPaths paths;

  public DevSecrets(DevPaths paths) {
    this.paths = paths;
  }

  /** The demo account as stored: user name and clear password. */
  public record DemoAccount(String user, String password) {
    @Override
    public String toString() {
      return "DemoAccount[" + user + "]"; // never the password
    }
  }

  /** Creates whatever is missing; returns the demo account. */
  public DemoAccount ensure() throws IOException, GeneralSecurityException {
    Files.createDirectories(paths.secrets());
    setMode(paths.secrets(), "rwx------");
    if (!Files.exists(paths.sharedDkimKey())) {
      KeyPair kp = rsa(2048);
      writeOnce(paths.sharedDkimKey(), PemKeys.toPkcs8Pem(kp.getPrivate()));
      String p = Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
      writeOnce(paths.sharedDkimRecord(), SHARED_SELECTOR + "._domainkey." + SHARED_DOMAIN + ". IN TXT \"v=DKIM1; k=rsa; p=" + p + "\"\n");
    }
    if (!Files.exists(paths.jwtSecret())) {
      writeOnce(paths.jwtSecret(), randomToken(48) + "\n");
    }
    if (!Files.exists(paths.masterKey())) {
      byte[] key = new byte[32];
      RANDOM.nextBytes(key);
      writeOnce(paths.masterKey(), Base64.getEncoder().encodeToString(key) + "\n");
    }
    if (!Files.exists(paths.tlsCert()) || !Files.exists(paths.tlsKey())) {
      KeyPair kp = rsa(2048);
      Files.deleteIfExists(paths.tlsCert());
      Files.deleteIfExists(paths.tlsKey());
      writeOnce(paths.tlsKey(), PemKeys.toPkcs8Pem(kp.getPrivate()));
      writeOnce(paths.tlsCert(), PemKeys.pem("CERTIFICATE", selfSigned(kp)));
    }
    if (!Files.exists(paths.demoAccount())) {
      writeOnce(paths.demoAccount(), DEMO_USER + "\n" + randomPassword() + "\n");
    }
    List<String> lines = Files.readAllLines(paths.demoAccount(), StandardCharsets.UTF_8);
    if (lines.size() < 2 || lines.get(1).isBlank()) {
      throw new IOException(paths.demoAccount() + " is damaged; delete it to create a new demo account");
    }
    return new DemoAccount(lines.get(0).trim(), lines.get(1).trim());
  }

  private static KeyPair rsa(int bits) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits, RANDOM);
    return g.generateKeyPair();
  }

  /** A self-signed certificate for localhost / 127.0.0.1, valid ten years. */
  static byte[] selfSigned(KeyPair kp) throws IOException, GeneralSecurityException {
    X500Name name = new X500Name("CN=localhost, O=Mailtrace dev");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, RANDOM),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, kp.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate());
      X509CertificateHolder holder = b.build(signer);
      return holder.getEncoded();
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign the dev certificate", e);
    }
  }

  /**
   * A generated password of 24 letters and digits (~143 bits): nothing a shell or a command line
   * could take for an option or a quote, as a leading '-' from base64url once did in the swaks line.
   */
  public static String randomPassword() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(24);
    for (int i = 0; i < 24; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Written to a 0600 temp file, then moved into place: never a partly written or world-readable secret. */
  private static void writeOnce(Path target, String content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
    try {
      setMode(tmp, "rw-------");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // another start created it first: keep theirs
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void setMode(Path p, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; nothing stronger to do
    }
  }
}
