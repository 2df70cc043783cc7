#include "app/agreement.h"
#include "app/cli/command.h"

#include "storage/classrepository.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/labelreviewrepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace activelabel::cli {

namespace {

// review PROJECT [--json] | review PROJECT IMAGE_ID CLASS_NAME | review PROJECT --majority:
// the disagreement queue (images whose annotators chose different classes), and how a reviewer
// settles it; the settled label is the one training uses.
class ReviewCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("review"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override
    {
        return QStringLiteral("PROJECT [--json] | PROJECT IMAGE_ID CLASS_NAME [--reviewer NAME] | PROJECT --majority "
                              "[--reviewer NAME]");
    }
    QString description() const override
    {
        return QStringLiteral("List the images whose annotators disagree, settle one with the class a reviewer "
                              "chooses, or settle every one where a majority of its annotators agree. The settled "
                              "label is what training uses; a later vote reopens the image.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory or server URI."));
        parser.addPositionalArgument(QStringLiteral("IMAGE_ID"), QStringLiteral("An image in the queue to settle."),
                                     QStringLiteral("[IMAGE_ID"));
        parser.addPositionalArgument(QStringLiteral("CLASS_NAME"), QStringLiteral("The class it settles on."),
                                     QStringLiteral("CLASS_NAME]"));
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print the queue as one JSON object.")});
        parser.addOption({QStringLiteral("majority"),
                          QStringLiteral("Settle every queued image on the class most of its annotators chose, "
                                         "where one class leads.")});
        parser.addOption({QStringLiteral("reviewer"), QStringLiteral("Who settles (default: $USER)."),
                          QStringLiteral("NAME")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 3);
        if (args.size() == 2)
            throw UsageError("to settle an image, give IMAGE_ID and CLASS_NAME");
        const bool settleOne = args.size() == 3;
        const bool majority = parser.isSet(QStringLiteral("majority"));
        if (settleOne && majority)
            throw UsageError("--majority settles the whole queue: give it without IMAGE_ID and CLASS_NAME");
        QString reviewer = parser.value(QStringLiteral("reviewer"));
        if (reviewer.isEmpty())
            reviewer = qEnvironmentVariable("USER");

        const bool writes = settleOne || majority;
        auto project = context.openProject(args.at(0), writes ? Project::Mode::ReadWrite : Project::Mode::ReadOnly);
        Database &db = project->database();
        const std::vector<ReviewItem> queue = readReviewQueue(db);
        LabelReviewRepository reviews(db);
        if (settleOne) {
            const std::int64_t imageId = existingImageId(db, args.at(1));
            const std::int64_t classId = existingClassId(db, args.at(2));
            if (std::none_of(queue.begin(), queue.end(), [&](const ReviewItem &i) { return i.imageId == imageId; }))
                throw std::runtime_error("image " + std::to_string(imageId) +
                                         " is not awaiting review (its annotators agree, or it is settled); "
                                         "label changes it");
            reviews.settle(imageId, classId, reviewer);
            context.out() << "settled" << Qt::endl;
            return 0;
        }
        if (majority) {
            std::size_t settled = 0;
            for (const ReviewItem &item : queue) {
                if (item.majorityClass) {
                    reviews.settle(item.imageId, *item.majorityClass, reviewer);
                    ++settled;
                }
            }
            context.out() << "settled " << settled << " images by majority; " << (queue.size() - settled)
                          << " still need a reviewer" << Qt::endl;
            return 0;
        }
        printQueue(db, queue, parser.isSet(QStringLiteral("json")), context);
        return 0;
    }

private:
    static void printQueue(Database &db, const std::vector<ReviewItem> &queue, bool json, Context &context)
    {
        std::map<std::int64_t, QString> classNames;
        for (const ClassInfo &c : ClassRepository(db).list())
            classNames[c.id] = c.name;
        auto className = [&](std::int64_t id) {
            const auto it = classNames.find(id);
            return it != classNames.end() ? it->second : QStringLiteral("#%1").arg(id); // a retired class
        };
        ImageRepository images(db);
        LabelRepository labels(db);
        QJsonArray items;
        for (const ReviewItem &item : queue) {
            const auto image = images.get(item.imageId);
            const QString path = image ? QString::fromStdString(image->path) : QString();
            const auto label = labels.get(item.imageId);
            if (json) {
                QJsonObject votes;
                for (const auto &[annotator, cls] : item.votes)
                    votes.insert(annotator, className(cls));
                items.append(QJsonObject{
                    {QStringLiteral("image_id"), qint64(item.imageId)},
                    {QStringLiteral("path"), path},
                    {QStringLiteral("votes"), votes},
                    {QStringLiteral("majority"),
                     item.majorityClass ? QJsonValue(className(*item.majorityClass)) : QJsonValue(QJsonValue::Null)},
                    {QStringLiteral("label"), label ? QJsonValue(className(label->classId)) : QJsonValue(QJsonValue::Null)},
                });
                continue;
            }
            QStringList votes;
            for (const auto &[annotator, cls] : item.votes)
                votes << annotator + QLatin1Char('=') + className(cls);
            context.out() << item.imageId << "  " << path << "  " << votes.join(QStringLiteral(", ")) << "  majority: "
                          << (item.majorityClass ? className(*item.majorityClass) : QStringLiteral("none")) << "\n";
        }
        if (json)
            context.out() << QJsonDocument(QJsonObject{{QStringLiteral("count"), qint64(queue.size())},
                                                       {QStringLiteral("queue"), items}})
                                 .toJson(QJsonDocument::Compact)
                          << Qt::endl;
        else
            context.out() << queue.size() << " images awaiting review" << Qt::endl;
    }
};

} // namespace

std::unique_ptr<Command> makeReviewCommand()
{
    return std::make_unique<ReviewCommand>();
}

} // namespace activelabel::cli
