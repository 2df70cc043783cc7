#include "app/cli/command.h"

#include "app/modelservice.h"
#include "app/projectimages.h"
#include "storage/csv.h"

#include <QSaveFile>

#include <cstdio>

namespace activelabel::cli {

namespace {

std::vector<std::size_t> indicesForSplit(const ProjectImages &images, const QString &split)
{
    if (split == QLatin1String("pool"))
        return images.indicesOf(Split::Pool);
    if (split == QLatin1String("test"))
        return images.indicesOf(Split::Test);
    if (split != QLatin1String("all"))
        throw UsageError("--split must be pool, test or all, not '" + split.toStdString() + "'");
    std::vector<std::size_t> all(images.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return all;
}

// predict PROJECT: the latest model's probabilities for every image of a split, as CSV.
class PredictCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("predict"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override { return QStringLiteral("PROJECT [--split pool|test|all] [--out FILE.csv]"); }
    QString description() const override
    {
        return QStringLiteral("Write the latest model's predictions (image_id,path,split,predicted_class,confidence,"
                              "uncertainty, then one probability column per class) as CSV to FILE or stdout.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addOption({QStringLiteral("split"), QStringLiteral("pool, test or all (default)."), QStringLiteral("SPLIT"),
                          QStringLiteral("all")});
        parser.addOption({QStringLiteral("out"), QStringLiteral("CSV file to write (default: stdout)."),
                          QStringLiteral("FILE.csv")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        auto project = context.openProject(args.at(0), Project::Mode::ReadOnly);
        ModelService service(*project, project->database());
        const std::vector<std::size_t> indices = indicesForSplit(service.images(), parser.value(QStringLiteral("split")));
        auto classifier = service.loadLatest();
        if (!classifier)
            throw std::runtime_error("no model yet: train one first (activelabel-cli train)");
        PredictOptions options;
        options.embeddings = false;
        const Prediction prediction = classifier->predict(service.images(), indices, options);

        const QStringList classes = classifier->classNames();
        std::string csv;
        Csv::Row header{"image_id", "path", "split", "predicted_class", "confidence", "uncertainty"};
        for (const QString &c : classes)
            header.push_back(c.toStdString());
        csv += Csv::line(header);
        const std::size_t c = prediction.probabilities.cols;
        for (std::size_t r = 0; r < indices.size(); ++r) {
            const ImageRecord &image = service.images().record(indices[r]);
            const float *p = prediction.probabilities.row(r);
            const int best = int(std::max_element(p, p + c) - p);
            Csv::Row row{std::to_string(image.id), image.path, splitName(image.split), classes[best].toStdString(),
                         QString::number(p[best], 'g', 7).toStdString(),
                         QString::number(predictionEntropy(p, c), 'g', 7).toStdString()};
            for (std::size_t k = 0; k < c; ++k)
                row.push_back(QString::number(p[k], 'g', 7).toStdString());
            csv += Csv::line(row);
        }
        if (!prediction.failedRows.empty())
            context.err() << "predict: " << prediction.failedRows.size()
                          << " images could not be read (uniform probabilities written)" << Qt::endl;

        if (!parser.isSet(QStringLiteral("out"))) {
            context.out().flush();
            std::fwrite(csv.data(), 1, csv.size(), stdout);
            std::fflush(stdout);
            return 0;
        }
        QSaveFile file(parser.value(QStringLiteral("out")));
        if (!file.open(QIODevice::WriteOnly) || file.write(csv.data(), qint64(csv.size())) != qint64(csv.size())
            || !file.commit())
            throw std::runtime_error("cannot write " + parser.value(QStringLiteral("out")).toStdString() + ": "
                                     + file.errorString().toStdString());
        context.err() << "predict: wrote " << indices.size() << " rows to " << parser.value(QStringLiteral("out"))
                      << Qt::endl;
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makePredictCommand()
{
    return std::make_unique<PredictCommand>();
}

} // namespace activelabel::cli
