#include "app/gui/agreementdata.h"

#include "app/agreement.h"
#include "storage/classrepository.h"
#include "storage/imagerepository.h"

#include <map>

namespace activelabel {

AgreementData readAgreementData(Database &db)
{
    std::map<std::int64_t, int> positionOf;
    AgreementData data;
    for (const ClassInfo &c : ClassRepository(db).list()) {
        positionOf[c.id] = int(data.classes.size());
        data.classes << c.name;
    }
    auto className = [&](std::int64_t id) {
        const auto it = positionOf.find(id);
        return it != positionOf.end() ? data.classes[it->second] : QStringLiteral("#%1").arg(id); // retired
    };

    std::vector<ReviewItem> queue;
    const AgreementReport report = readAgreement(db, &queue);
    data.imagesMulti = report.imagesMulti;
    data.fleissKappa = report.fleissKappa;
    for (const AnnotatorAgreement &a : report.annotators)
        data.annotators << AnnotatorRow{a.name, a.labels, a.auditAccuracy, a.majorityAgreement};
    for (const PairAgreement &p : report.pairs)
        data.pairs << AnnotatorPairRow{p.a, p.b, p.images, p.cohenKappa};

    ImageRepository images(db);
    for (const ReviewItem &item : queue) {
        DisagreementRow row;
        row.imageId = item.imageId;
        if (const auto image = images.get(item.imageId))
            row.path = QString::fromStdString(image->path);
        for (const auto &[annotator, cls] : item.votes)
            row.votes << annotator + QStringLiteral(": ") + className(cls);
        if (item.majorityClass) {
            row.majority = className(*item.majorityClass);
            const auto it = positionOf.find(*item.majorityClass);
            row.majorityPosition = it != positionOf.end() ? it->second : -1;
        }
        data.queue << row;
    }
    return data;
}

} // namespace activelabel
