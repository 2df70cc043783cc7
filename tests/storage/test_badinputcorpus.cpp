// The bad-input corpus of issue 6, generated on disk and run through the real folder import:
// one table of inputs (broken, hostile, unusual but valid, oddly named, unreachable) and the
// outcome each must have. Every file the walk finds is either added or refused with a per-file
// reason in the import log, the import completes, and every added image decodes through the one
// decode path (display and training) to the size import recorded, EXIF orientation applied.
#include "storage/imagedecoder.h"
#include "storage/imageimporter.h"
#include "storage/imagerepository.h"
#include "storage/importlogrepository.h"
#include "storage/project.h"
#include "support/imagecorpus.h"
#include "support/tempproject.h"

#include <QTest>

#include <opencv2/imgcodecs.hpp>

#include <jpeglib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>

using namespace activelabel;
using namespace activelabel::testsupport;
namespace fs = std::filesystem;

namespace {

enum class Outcome {
    Added,         // in the images table with the given (oriented) size
    Rejected,      // in the import log as rejected, reason containing `reason`
    Duplicate,     // in the import log as a duplicate
    NotConsidered, // not an image name inside a folder: the walk skips it, no log entry
};

struct Case
{
    Case(std::string n, Outcome o, QString r = {}, int w = 0, int h = 0, bool nonRoot = false)
        : name(std::move(n)), outcome(o), reason(std::move(r)), width(w), height(h), needsNonRoot(nonRoot)
    {
    }
    std::string name; // relative to the source folder, raw bytes
    Outcome outcome;
    QString reason;     // Rejected: a substring of the logged reason
    int width = 0;      // Added: the size every consumer sees
    int height = 0;
    bool needsNonRoot = false; // permission cases: root (CAP_DAC_OVERRIDE) reads anything
};

void appendBe32(QByteArray &out, quint32 v)
{
    const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out.append(b, 4);
}

void appendChunk(QByteArray &out, const char *type, const QByteArray &data)
{
    appendBe32(out, static_cast<quint32>(data.size()));
    QByteArray typed(type, 4);
    typed += data;
    out += typed;
    appendBe32(out, static_cast<quint32>(crc32(0, reinterpret_cast<const Bytef *>(typed.constData()),
                                               static_cast<uInt>(typed.size()))));
}

// A PNG written by hand, for the colour types OpenCV cannot write (grey+alpha, palette) and for a
// header that lies about the size. `rows` is the unfiltered scanline data (filter bytes included).
QByteArray handPng(quint32 width, quint32 height, int colourType, const QByteArray &rows,
                   const QByteArray &palette = {})
{
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    QByteArray ihdr;
    appendBe32(ihdr, width);
    appendBe32(ihdr, height);
    ihdr += char(8);          // bit depth
    ihdr += char(colourType); // 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
    ihdr += QByteArray(3, '\0');
    appendChunk(png, "IHDR", ihdr);
    if (!palette.isEmpty())
        appendChunk(png, "PLTE", palette);
    appendChunk(png, "IDAT", qCompress(rows).mid(4)); // qCompress prefixes a 4-byte length to zlib data
    appendChunk(png, "IEND", {});
    return png;
}

QByteArray greyAlphaPng(int width, int height)
{
    QByteArray rows;
    for (int y = 0; y < height; ++y) {
        rows += '\0';
        for (int x = 0; x < width; ++x) {
            rows += char(x * 255 / width);
            rows += char(y * 255 / height);
        }
    }
    return handPng(width, height, 4, rows);
}

QByteArray palettePng(int width, int height)
{
    QByteArray rows;
    for (int y = 0; y < height; ++y) {
        rows += '\0';
        for (int x = 0; x < width; ++x)
            rows += char((x + y) % 3);
    }
    return handPng(width, height, 3, rows, QByteArray("\xff\x00\x00\x00\xff\x00\x00\x00\xff", 9));
}

// A CMYK JPEG (4 components, as print workflows write them) through libjpeg: neither OpenCV nor
// Qt 6.4 writes one.
QByteArray cmykJpeg(int width, int height)
{
    jpeg_compress_struct cinfo{};
    jpeg_error_mgr jerr{};
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = static_cast<JDIMENSION>(width);
    cinfo.image_height = static_cast<JDIMENSION>(height);
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 90, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    std::vector<unsigned char> row(static_cast<std::size_t>(width) * 4);
    while (cinfo.next_scanline < cinfo.image_height) {
        for (int x = 0; x < width; ++x) {
            row[x * 4 + 0] = static_cast<unsigned char>(x * 255 / width);
            row[x * 4 + 1] = static_cast<unsigned char>(cinfo.next_scanline * 255 / height);
            row[x * 4 + 2] = 64;
            row[x * 4 + 3] = 0;
        }
        JSAMPROW rows[1] = {row.data()};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    QByteArray out(reinterpret_cast<const char *>(buffer), static_cast<qsizetype>(size));
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);
    return out;
}

QByteArray randomBytes(int size, unsigned seed)
{
    std::mt19937 rng(seed);
    QByteArray out(size, '\0');
    for (char &c : out)
        c = static_cast<char>(rng());
    out[0] = 'R'; // never a whitelisted magic by chance
    return out;
}

// Whether the current process can read a file the owner cannot: root, or CAP_DAC_OVERRIDE.
bool permissionsAreEnforced(const std::string &unreadableFile)
{
    std::FILE *f = std::fopen(unreadableFile.c_str(), "rb");
    if (f)
        std::fclose(f);
    return f == nullptr;
}

QString printable(const std::string &raw)
{
    QString out;
    for (unsigned char c : raw)
        out += c >= 0x20 && c < 0x7f ? QString(QChar(c)) : QStringLiteral("\\x%1").arg(c, 2, 16, QChar('0'));
    return out;
}

} // namespace

class TestBadInputCorpus : public QObject
{
    Q_OBJECT

    TempDir m_tmp;
    std::string m_src;
    std::vector<Case> m_cases;
    std::unique_ptr<Project> m_project;
    ImportSummary m_summary;
    std::map<std::string, ImportLogEntry> m_log;  // by path relative to m_src
    std::map<std::string, ImageRecord> m_images; // by path relative to m_src
    bool m_permissionsEnforced = true;

    void add(Case c, const QByteArray &bytes)
    {
        QVERIFY2(writeFile(m_src + "/" + c.name, bytes), c.name.c_str());
        m_cases.push_back(std::move(c));
    }

    std::string relative(const std::string &path) const
    {
        return fs::path(path).lexically_relative(m_src).native();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_src = m_tmp.file("corpus");
        fs::create_directories(m_src + "/sub dir");
        const QByteArray png = encode(patternImage(64, 48, 1), ".png");
        const QByteArray jpg = encode(patternImage(64, 48, 2), ".jpg");

        // Broken and hostile files.
        add({"zero.jpg", Outcome::Rejected, "empty file"}, {});
        add({"zero.png", Outcome::Rejected, "empty file"}, {});
        add({"truncated.jpg", Outcome::Rejected, "truncated JPEG"}, truncated(jpg, 0.6));
        add({"truncated.png", Outcome::Rejected, "cannot decode png"}, truncated(png, 0.5));
        add({"header-only.png", Outcome::Rejected, "cannot decode png"}, truncated(png, 0.1));
        add({"random.jpg", Outcome::Rejected, "not a supported image"}, randomBytes(4096, 1));
        add({"random.png", Outcome::Rejected, "not a supported image"}, randomBytes(4096, 2));
        add({"random.tiff", Outcome::Rejected, "not a supported image"}, randomBytes(300, 3));
        add({"text.png", Outcome::Rejected, "not a supported image"}, "a text file named like an image\n");
        add({"text.jpg", Outcome::Rejected, "not a supported image"}, "<html><body>404</body></html>\n");
        add({"bomb.png", Outcome::Rejected, "too large"}, pngHeaderBomb(100000, 100000));
        add({"bomb.jpg", Outcome::Rejected, "too large"}, jpegHeaderBomb(60000, 60000));
        add({"bomb-60mp.png", Outcome::Rejected, "too large"}, pngHeaderBomb(10000, 6000));
        // The header says 40x40, the pixel data holds 2x2: the decoder must notice.
        add({"lying-header.png", Outcome::Rejected, "cannot decode png"},
            handPng(40, 40, 0, QByteArray("\0\x10\x20\0\x30\x40", 6)));
        // Another format's content behind an image name (OpenEXR magic): not on the whitelist.
        add({"exr-inside.png", Outcome::Rejected, "not a supported image"},
            QByteArray("\x76\x2f\x31\x01\x02\x00\x00\x00", 8) + randomBytes(200, 4));

        // Unusual but valid images.
        add({"one-pixel.png", Outcome::Added, {}, 1, 1}, encode(patternImage(1, 1, 5), ".png"));
        add({"one-pixel.jpg", Outcome::Added, {}, 1, 1}, encode(patternImage(1, 1, 6), ".jpg"));
        cv::Mat sixteen;
        patternImage(33, 17, 7).convertTo(sixteen, CV_16U, 257.0);
        add({"sixteen-bit.png", Outcome::Added, {}, 33, 17}, encode(sixteen, ".png"));
        add({"grey-alpha.png", Outcome::Added, {}, 12, 7}, greyAlphaPng(12, 7));
        add({"rgba.png", Outcome::Added, {}, 20, 10}, encode(patternImage(20, 10, 8, 4), ".png"));
        add({"palette.png", Outcome::Added, {}, 9, 5}, palettePng(9, 5));
        add({"grey.jpg", Outcome::Added, {}, 24, 16}, encode(patternImage(24, 16, 9, 1), ".jpg"));
        add({"cmyk.jpg", Outcome::Added, {}, 30, 20}, cmykJpeg(30, 20));
        add({"trailing-bytes.jpg", Outcome::Added, {}, 64, 48},
            encode(patternImage(64, 48, 10), ".jpg") + QByteArray("camera trailer after EOI"));
        add({"image.bmp", Outcome::Added, {}, 15, 9}, encode(patternImage(15, 9, 11), ".bmp"));
        add({"image.webp", Outcome::Added, {}, 18, 12}, encode(patternImage(18, 12, 12), ".webp"));
        for (int o = 1; o <= 8; ++o) { // stored 40x20; orientations 5..8 swap the sides
            const bool swaps = o >= 5;
            add({"exif-" + std::to_string(o) + ".jpg", Outcome::Added, {}, swaps ? 20 : 40, swaps ? 40 : 20},
                jpegWithOrientation(patternImage(40, 20, 20 + o), o));
        }
        {   // Two pages of different sizes: the first page is the image.
            const std::string name = "multi-page.tiff";
            std::vector<cv::Mat> pages{patternImage(21, 11, 30), patternImage(35, 35, 31)};
            QVERIFY(cv::imwritemulti(m_src + "/" + name, pages));
            m_cases.push_back({name, Outcome::Added, {}, 21, 11});
        }

        // Names: case, spaces, Unicode, bytes that are not UTF-8, a line break; a folder named
        // like an image; a duplicate under another name; a non-image name that holds an image.
        add({"UPPER.JPG", Outcome::Added, {}, 13, 13}, encode(patternImage(13, 13, 40), ".jpg"));
        add({"Mixed.PnG", Outcome::Added, {}, 14, 13}, encode(patternImage(14, 13, 41), ".png"));
        add({"IMAGE.TIFF", Outcome::Added, {}, 15, 13}, encode(patternImage(15, 13, 42), ".tiff"));
        add({"with  spaces .png", Outcome::Added, {}, 16, 13}, encode(patternImage(16, 13, 43), ".png"));
        add({"\xc3\xbcnic\xc3\xb6" "de \xe6\x97\xa5\xe6\x9c\xac.png", Outcome::Added, {}, 17, 13},
            encode(patternImage(17, 13, 44), ".png"));
        add({"latin1-\xe9t\xe9-\xff\xfe.png", Outcome::Added, {}, 18, 13}, encode(patternImage(18, 13, 45), ".png"));
        add({"line\nbreak.png", Outcome::Added, {}, 19, 13}, encode(patternImage(19, 13, 46), ".png"));
        add({"quote\"comma,semi;.png", Outcome::Added, {}, 20, 13}, encode(patternImage(20, 13, 47), ".png"));
        add({std::string(200, 'n') + ".png", Outcome::Added, {}, 21, 13}, encode(patternImage(21, 13, 48), ".png"));
        fs::create_directory(m_src + "/folder.png");
        add({"folder.png/inside.png", Outcome::Added, {}, 22, 13}, encode(patternImage(22, 13, 49), ".png"));
        add({"sub dir/copy of one-pixel.png", Outcome::Duplicate}, encode(patternImage(1, 1, 5), ".png"));
        add({"notes.txt", Outcome::NotConsidered}, "not an image name");
        add({"png-named.dat", Outcome::NotConsidered}, encode(patternImage(8, 8, 50), ".png"));

        // Links: a loop back to the root, a link to itself, a dangling link, a link to an image.
        fs::create_directory_symlink(m_src, m_src + "/sub dir/loop");
        fs::create_symlink(m_src + "/self.png", m_src + "/self.png");
        m_cases.push_back({"self.png", Outcome::Rejected, "broken symbolic link"});
        fs::create_symlink(m_src + "/missing-target.png", m_src + "/dangling.png");
        m_cases.push_back({"dangling.png", Outcome::Rejected, "broken symbolic link"});
        fs::create_symlink(m_src + "/image.bmp", m_src + "/zz-link-to-image.bmp");
        m_cases.push_back({"zz-link-to-image.bmp", Outcome::Duplicate});

        // Over the size limit without using the disk: a sparse file.
        {
            const std::string name = "huge-sparse.png";
            QVERIFY(writeFile(m_src + "/" + name, png));
            fs::resize_file(m_src + "/" + name, ImageDecoder::kMaxFileBytes + 1);
            m_cases.push_back({name, Outcome::Rejected, "file too large"});
        }

        // Permissions. Root (or CAP_DAC_OVERRIDE, usual in containers) reads them anyway.
        add({"unreadable.png", Outcome::Rejected, "Permission denied", 0, 0, true}, png + "x");
        ::chmod((m_src + "/unreadable.png").c_str(), 0);
        fs::create_directory(m_src + "/locked dir");
        m_cases.push_back({"locked dir", Outcome::Rejected, "cannot read directory", 0, 0, true});
        QVERIFY(writeImage(m_src + "/locked dir/hidden.png", 10, 10, 60));
        ::chmod((m_src + "/locked dir").c_str(), 0);
        m_permissionsEnforced = permissionsAreEnforced(m_src + "/unreadable.png");

        // The real import, once, over the whole folder.
        m_project = Project::create(m_tmp.file("project"));
        m_summary = ImageImporter(m_project->database(), {}).importPaths({m_src}, false);
        for (const ImportLogEntry &e : ImportLogRepository(m_project->database()).recent(100000))
            m_log[relative(e.path)] = e;
        for (const ImageRecord &r : ImageRepository(m_project->database()).list({}, 0, 100000))
            m_images[relative(r.path)] = r;
        ::chmod((m_src + "/locked dir").c_str(), 0755); // so the temporary folder can be removed
    }

    void eachInput_data()
    {
        QTest::addColumn<int>("index");
        for (std::size_t i = 0; i < m_cases.size(); ++i)
            QTest::newRow(qPrintable(printable(m_cases[i].name))) << static_cast<int>(i);
    }

    void eachInput()
    {
        QFETCH(int, index);
        const Case &c = m_cases[static_cast<std::size_t>(index)];
        if (c.needsNonRoot && !m_permissionsEnforced)
            QSKIP("running with CAP_DAC_OVERRIDE (root): mode 000 does not stop reads, so this input "
                  "cannot be made unreadable here; run the suite as a normal user to check it");
        const auto logged = m_log.find(c.name);
        const auto image = m_images.find(c.name);
        switch (c.outcome) {
        case Outcome::Added: {
            QVERIFY2(logged == m_log.end(), qPrintable(logged == m_log.end() ? QString() : logged->second.reason));
            QVERIFY2(image != m_images.end(), "not imported");
            QCOMPARE(image->second.width, c.width);
            QCOMPARE(image->second.height, c.height);
            // Display, thumbnails and training all decode through this path: same size, 8-bit.
            std::string error;
            const cv::Mat pixels = ImageDecoder::decodeFile(m_project->resolve(image->second.path), &error);
            QVERIFY2(!pixels.empty(), error.c_str());
            QCOMPARE(pixels.cols, c.width);
            QCOMPARE(pixels.rows, c.height);
            QVERIFY(pixels.type() == CV_8UC1 || pixels.type() == CV_8UC3);
            break;
        }
        case Outcome::Rejected:
            QVERIFY(image == m_images.end());
            QVERIFY2(logged != m_log.end(), "no import log entry");
            QCOMPARE(logged->second.kind, QStringLiteral("rejected"));
            QVERIFY2(logged->second.reason.contains(c.reason), qPrintable(logged->second.reason));
            break;
        case Outcome::Duplicate:
            QVERIFY(image == m_images.end());
            QVERIFY2(logged != m_log.end(), "no import log entry");
            QCOMPARE(logged->second.kind, QStringLiteral("duplicate"));
            QVERIFY(logged->second.reason.startsWith(QStringLiteral("duplicate of image")));
            break;
        case Outcome::NotConsidered:
            QVERIFY(image == m_images.end());
            QVERIFY(logged == m_log.end());
            break;
        }
    }

    // The import ran to the end and accounted for every file: nothing added or logged that is
    // not in the table, and the summary's counts agree with the table.
    void importCompletesAndAccountsForEveryFile()
    {
        QVERIFY(!m_summary.cancelled);
        std::map<std::string, Outcome> expected;
        for (const Case &c : m_cases)
            expected[c.name] = c.outcome;
        // Through the loop link the walk must not see the root a second time.
        for (const auto &[name, image] : m_images) {
            if (!m_permissionsEnforced && (name == "unreadable.png" || name == "locked dir/hidden.png"))
                continue;
            QVERIFY2(expected.count(name) && expected[name] == Outcome::Added, qPrintable(printable(name)));
        }
        for (const auto &[name, entry] : m_log) {
            if (!m_permissionsEnforced && name == "locked dir")
                continue;
            QVERIFY2(expected.count(name), qPrintable(printable(name) + ": " + entry.reason));
        }
        std::int64_t added = 0, rejected = 0, duplicates = 0;
        for (const Case &c : m_cases) {
            const bool readableAnyway = c.needsNonRoot && !m_permissionsEnforced;
            added += c.outcome == Outcome::Added;
            rejected += c.outcome == Outcome::Rejected && !readableAnyway;
            duplicates += c.outcome == Outcome::Duplicate;
        }
        if (!m_permissionsEnforced) {
            added += 2; // unreadable.png and locked dir/hidden.png were read after all
            QVERIFY(m_images.count("unreadable.png") && m_images.count("locked dir/hidden.png"));
        }
        QCOMPARE(m_summary.added, added);
        QCOMPARE(m_summary.rejected, rejected);
        QCOMPARE(m_summary.duplicates, duplicates);
        QCOMPARE(static_cast<std::int64_t>(m_images.size()), added);
        qInfo("corpus: %zu inputs; %lld added, %lld rejected, %lld duplicates, permissions %s", m_cases.size(),
              static_cast<long long>(m_summary.added), static_cast<long long>(m_summary.rejected),
              static_cast<long long>(m_summary.duplicates), m_permissionsEnforced ? "enforced" : "not enforced (root)");
    }

    void cleanupTestCase()
    {
        // The links (a loop, a link to itself) trip QTemporaryDir's removal; remove_all does not
        // follow links.
        m_project.reset();
        std::error_code ec;
        fs::remove_all(m_tmp.path(), ec);
    }
};

QTEST_GUILESS_MAIN(TestBadInputCorpus)
#include "test_badinputcorpus.moc"
